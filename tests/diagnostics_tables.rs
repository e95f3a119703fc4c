//! Diagnostics of tables (LANGUAGE.md §2.2, §2.10, §2.8 stream–table joins, §2.16
//! items 1 and 5), as a user sees them: snapshot tests of rendered errors with their
//! code, caret and help line, plus a table pinning the code of every table error path.

use fluxtide::{App, Error};

/// A stream and a keyed table every test uses.
const DECLS: &str = "CREATE STREAM Trades (sym STRING, qty INT, ts BIGINT);\n\
                     CREATE TABLE Latest (sym STRING PRIMARY KEY, price DOUBLE);\n";

fn render(rest: &str) -> String {
    let text = format!("{DECLS}{rest}");
    match App::from_sql("app.sql", &text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(Error::Query(d)) => d.render(),
        Err(e) => panic!("expected a query error, got {e}"),
    }
}

fn code(rest: &str) -> Option<&'static str> {
    match App::from_sql("app.sql", &format!("{DECLS}{rest}")) {
        Ok(_) => None,
        Err(Error::Query(d)) => d.list.first().map(|d| d.code),
        Err(_) => Some("?"),
    }
}

#[test]
fn table_only_relation_of_from() {
    insta::assert_snapshot!(
        "table_only_relation_of_from",
        render("INSERT INTO Out SELECT sym, price FROM Latest;")
    );
}

#[test]
fn table_in_pattern() {
    insta::assert_snapshot!(
        "table_in_pattern",
        render("INSERT INTO Out SELECT e1.sym AS s FROM PATTERN (e1=Trades -> e2=Latest);")
    );
}

#[test]
fn table_unknown_column() {
    insta::assert_snapshot!(
        "table_unknown_column",
        render("INSERT INTO Out SELECT t.sym, l.prize FROM Trades AS t JOIN Latest AS l ON t.sym = l.sym;")
    );
}

#[test]
fn table_ambiguous_column_without_alias() {
    insta::assert_snapshot!(
        "table_ambiguous_column_without_alias",
        render(
            "INSERT INTO Out SELECT sym, price FROM Trades JOIN Latest ON Trades.sym = Latest.sym;"
        )
    );
}

#[test]
fn table_full_outer_join() {
    insta::assert_snapshot!(
        "table_full_outer_join",
        render("INSERT INTO Out SELECT t.sym, l.price FROM Trades AS t FULL OUTER JOIN Latest AS l ON t.sym = l.sym;")
    );
}

#[test]
fn table_outer_join_preserving_the_table() {
    insta::assert_snapshot!(
        "table_outer_join_preserving_the_table",
        render("INSERT INTO Out SELECT t.sym, l.price FROM Latest AS l LEFT OUTER JOIN Trades AS t ON t.sym = l.sym;")
    );
}

#[test]
fn table_as_driving_side() {
    insta::assert_snapshot!(
        "table_as_driving_side",
        render("INSERT INTO Out SELECT t.sym, l.price FROM Trades AS t JOIN Latest AS l UNIDIRECTIONAL ON t.sym = l.sym;")
    );
}

#[test]
fn table_upsert_column_count() {
    insta::assert_snapshot!(
        "table_upsert_column_count",
        render("UPSERT INTO Latest SELECT sym FROM Trades ON Latest.sym = sym;")
    );
}

#[test]
fn table_exists_outside_where() {
    insta::assert_snapshot!(
        "table_exists_outside_where",
        render("INSERT INTO Out SELECT sym, EXISTS (SELECT * FROM Latest WHERE Latest.sym = Trades.sym) AS listed FROM Trades;")
    );
}

#[test]
fn table_update_unknown_set_column() {
    insta::assert_snapshot!(
        "table_update_unknown_set_column",
        render("UPDATE Latest SET prize = 1.0 FROM Trades WHERE Latest.sym = Trades.sym;")
    );
}

/// Every table error path, by code; and the well-formed table statements plan.
#[test]
fn table_error_codes() {
    let cases: &[(Option<&str>, &str)] = &[
        (None, "INSERT INTO Latest SELECT sym, CAST(qty AS DOUBLE) AS price FROM Trades;"),
        (None, "INSERT INTO Out SELECT t.sym, l.price FROM Trades AS t LEFT OUTER JOIN Latest AS l ON t.sym = l.sym;"),
        (None, "INSERT INTO Out SELECT t.sym, l.price FROM Latest AS l RIGHT OUTER JOIN Trades AS t ON t.sym = l.sym;"),
        (None, "INSERT INTO Out SELECT t.sym, l.price FROM Trades AS t UNIDIRECTIONAL JOIN Latest AS l;"),
        (None, "UPDATE Latest SET price = price + 1.0 FROM Trades WHERE Latest.sym = Trades.sym;"),
        (None, "UPDATE Latest AS x SET x.price = qty FROM Trades AS t WHERE x.sym = t.sym;"),
        (None, "DELETE FROM Latest USING Trades AS t WHERE Latest.sym = t.sym AND t.qty > 3;"),
        (None, "UPSERT INTO Latest SELECT sym, 1.5 AS price FROM Trades WHERE qty > 0 ON Latest.sym = sym;"),
        (None, "INSERT INTO Out SELECT sym FROM Trades WHERE NOT EXISTS (SELECT * FROM Latest WHERE Latest.sym = Trades.sym);"),
        (None, "CREATE TABLE C (a INT, b STRING, PRIMARY KEY (a, b)) WITH ('extension' = 'cache', 'max_size' = '10');"),
        (Some("E0530"), "INSERT INTO Out SELECT sym FROM Latest;"),
        (Some("E0530"), "UPDATE Latest SET price = 1.0 FROM Latest WHERE Latest.sym = 'a';"),
        (Some("E0531"), "CREATE TABLE T2 (sym STRING); INSERT INTO Out SELECT l.sym FROM Latest AS l JOIN T2 AS m ON l.sym = m.sym;"),
        (Some("E0532"), "INSERT INTO Out SELECT e1.sym AS s FROM PATTERN (e1=Latest -> e2=Trades);"),
        (Some("E0533"), "INSERT INTO Out SELECT t.sym FROM Trades AS t FULL OUTER JOIN Latest AS l ON t.sym = l.sym;"),
        (Some("E0533"), "INSERT INTO Out SELECT t.sym FROM Trades AS t RIGHT OUTER JOIN Latest AS l ON t.sym = l.sym;"),
        (Some("E0534"), "INSERT INTO Out SELECT t.sym FROM Latest AS l UNIDIRECTIONAL JOIN Trades AS t ON t.sym = l.sym;"),
        (Some("E0535"), "UPSERT INTO Latest SELECT sym, 1.0 AS price, qty FROM Trades ON Latest.sym = sym;"),
        (Some("E0504"), "UPSERT INTO Latest SELECT sym, 'x' AS price FROM Trades ON Latest.sym = sym;"),
        (Some("E0536"), "INSERT INTO Out SELECT t.sym FROM Trades AS t JOIN Latest AS l ON t.sym = l.sym WHERE EXISTS (SELECT * FROM Latest WHERE Latest.sym = t.sym);"),
        (Some("E0538"), "INSERT INTO Out SELECT t.sym FROM Trades AS t JOIN Latest AS l WINDOW('length', 2) ON t.sym = l.sym;"),
        (Some("E0539"), "UPDATE Latest SET price = 1.0 FROM Trades WINDOW('length', 2) WHERE Latest.sym = Trades.sym;"),
        (Some("E0540"), "CREATE TABLE D (a INT PRIMARY KEY, b INT PRIMARY KEY);"),
        (Some("E0541"), "CREATE TABLE D (a INT, PRIMARY KEY (a, a));"),
        (Some("E0542"), "UPDATE Latest SET price = 1.0, price = 2.0 FROM Trades WHERE Latest.sym = Trades.sym;"),
        (Some("E0102"), "CREATE TABLE D (a INT, PRIMARY KEY (b));"),
        (Some("E0102"), "UPDATE Latest SET nope = 1.0 FROM Trades WHERE Latest.sym = Trades.sym;"),
        (Some("E0102"), "INSERT INTO Out SELECT t.sym FROM Trades AS t JOIN Latest AS l ON t.sym = l.nope;"),
        (Some("E0104"), "UPDATE Latest SET Trades.qty = 1 FROM Trades WHERE Latest.sym = Trades.sym;"),
        (Some("E0106"), "INSERT INTO Out SELECT t.qty FROM Trades AS t WHERE EXISTS (SELECT * FROM Latest WHERE sym = 'a');"),
        (Some("E0110"), "INSERT INTO Out SELECT sym FROM Trades WHERE EXISTS (SELECT * FROM Lates WHERE Lates.sym = Trades.sym);"),
        (Some("E0110"), "DELETE FROM Nope USING Trades WHERE Nope.sym = Trades.sym;"),
        (Some("E0504"), "UPDATE Latest SET price = 'x' FROM Trades WHERE Latest.sym = Trades.sym;"),
        (Some("E0203"), "DELETE FROM Latest USING Trades WHERE Latest.price;"),
        (Some("E0501"), "CREATE STREAM Latest (a INT);"),
        (Some("E0601"), "CREATE TABLE D (a INT) WITH ('max_size' = '3');"),
        (Some("E0602"), "CREATE TABLE D (a INT) WITH ('extension' = 'cache', 'max_size' = 'lots');"),
        (Some("E0602"), "CREATE TABLE D (a INT) WITH ('extension' = 'redis');"),
        (Some("E0900"), "CREATE TABLE D (a INT) WITH ('extension' = 'jdbc');"),
        (Some("E0900"), "INSERT INTO Out SELECT t.sym FROM Trades AS t WINDOW('length', 2) JOIN Latest AS l ON t.sym = l.sym;"),
        (Some("E0502"), "INSERT INTO X SELECT t.sym, l.price FROM Trades AS t JOIN Latest AS l ON t.sym = l.sym; UPDATE Latest SET price = X.price FROM X WHERE Latest.sym = X.sym;"),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(want, rest)| {
            let got = code(rest);
            (got != *want).then(|| format!("{rest}\n  want {want:?}, got {got:?}"))
        })
        .collect();
    assert!(failures.is_empty(), "wrong codes:\n{}", failures.join("\n"));
}
