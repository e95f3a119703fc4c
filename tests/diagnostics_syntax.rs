//! Snapshot tests of rendered syntax errors: code, message, caret position and
//! help line, exactly as a user sees them (`Diagnostic::render`).

use fluxtide::syntax::parse;

/// Renders every diagnostic of a failing parse.
fn render(text: &str) -> String {
    match parse(text) {
        Ok(app) => panic!("expected a syntax error, got {app:?}"),
        Err(ds) => ds
            .iter()
            .map(|d| d.render("app.sql", text))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[test]
fn missing_from() {
    insta::assert_snapshot!(render("CREATE STREAM S (a INT);\nSELECT a WHERE a > 1;"));
}

#[test]
fn unterminated_string() {
    insta::assert_snapshot!(render("SELECT a FROM S WHERE name = 'abc;"));
}

#[test]
fn unterminated_block_comment() {
    insta::assert_snapshot!(render("SELECT a FROM S /* never closed"));
}

#[test]
fn bad_duration_unit_m() {
    insta::assert_snapshot!(render("SELECT avg(p) AS ap FROM S WINDOW('time', 5 M);"));
}

#[test]
fn unknown_type() {
    insta::assert_snapshot!(render("CREATE STREAM S (id INT, name STRNG);"));
}

#[test]
fn unbalanced_parens() {
    insta::assert_snapshot!(render("SELECT (a + (b * 2) FROM S;"));
}

#[test]
fn stray_token() {
    insta::assert_snapshot!(render("SELECT a FROM S WHERE a > 1 )"));
}

#[test]
fn empty_app() {
    insta::assert_snapshot!(render("-- only a comment\n"));
}

#[test]
fn negative_limit() {
    insta::assert_snapshot!(render("SELECT a FROM S LIMIT -1;"));
}

#[test]
fn with_missing_close_paren() {
    insta::assert_snapshot!(render(
        "CREATE STREAM S (a INT) WITH ('type' = 'source', 'extension' = 'file';"
    ));
}

#[test]
fn bad_pattern_quantifier() {
    insta::assert_snapshot!(render("SELECT e1.p FROM PATTERN (e1=A{3,1} -> e2=B);"));
}

#[test]
fn integer_out_of_range() {
    insta::assert_snapshot!(render("SELECT 99999999999999999999 AS big FROM S;"));
}

#[test]
fn reserved_word_as_name() {
    insta::assert_snapshot!(render("CREATE STREAM Orders (id INT, order STRING);"));
}

#[test]
fn chained_comparison() {
    insta::assert_snapshot!(render("SELECT a FROM S WHERE 1 < a < 5;"));
}

#[test]
fn errors_in_two_statements() {
    insta::assert_snapshot!(render(
        "SELECT FROM S;\nCREATE STREAM T (a INT);\nINSERT INTO X SELEC a FROM T;"
    ));
}

#[test]
fn classic_define() {
    insta::assert_snapshot!(render("define stream S (a int);"));
}

#[test]
fn nesting_too_deep() {
    let text = format!("SELECT {}1{} FROM S;", "(".repeat(300), ")".repeat(300));
    insta::assert_snapshot!(render(&text).lines().take(2).collect::<Vec<_>>().join("\n"));
}
