//! Diagnostics of stream–stream joins (LANGUAGE.md §2.8, §2.16 item 1), as a user sees
//! them: snapshot tests of rendered errors with their code, caret and help line, plus
//! a table pinning the code of every join error path.

use fluxtide::{App, Error};

/// The two streams every test joins.
const STREAMS: &str = "CREATE STREAM Trades (symbol STRING, price DOUBLE, ts BIGINT);\n\
                       CREATE STREAM Quotes (symbol STRING, bid DOUBLE, ts BIGINT);\n";

/// `STREAMS` followed by `rest`, which must fail to parse or plan, rendered.
fn render_j(rest: &str) -> String {
    let text = format!("{STREAMS}{rest}");
    match App::from_sql("app.sql", &text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(Error::Query(d)) => d.render(),
        Err(e) => panic!("expected a query error, got {e}"),
    }
}

fn code(rest: &str) -> Option<&'static str> {
    match App::from_sql("app.sql", &format!("{STREAMS}{rest}")) {
        Ok(_) => None,
        Err(Error::Query(d)) => d.list.first().map(|d| d.code),
        Err(_) => Some("?"),
    }
}

#[test]
fn join_unknown_qualified_column() {
    insta::assert_snapshot!(
        "join_unknown_qualified_column",
        render_j(
            "INSERT INTO Out SELECT t.symbol, q.bidd FROM Trades AS t JOIN Quotes AS q ON t.symbol = q.symbol;"
        )
    );
}

#[test]
fn join_unknown_bare_column() {
    insta::assert_snapshot!(
        "join_unknown_bare_column",
        render_j(
            "INSERT INTO Out SELECT t.symbol, volume FROM Trades AS t JOIN Quotes AS q ON t.symbol = q.symbol;"
        )
    );
}

#[test]
fn join_ambiguous_column() {
    insta::assert_snapshot!(
        "join_ambiguous_column",
        render_j(
            "INSERT INTO Out SELECT symbol, bid FROM Trades AS t JOIN Quotes AS q ON t.symbol = q.symbol;"
        )
    );
}

#[test]
fn join_stream_name_after_alias() {
    insta::assert_snapshot!(
        "join_stream_name_after_alias",
        render_j(
            "INSERT INTO Out SELECT Trades.price, q.bid FROM Trades AS t JOIN Quotes AS q ON t.symbol = q.symbol;"
        )
    );
}

#[test]
fn join_both_unidirectional() {
    insta::assert_snapshot!(
        "join_both_unidirectional",
        render_j(
            "INSERT INTO Out SELECT t.price, q.bid FROM Trades AS t UNIDIRECTIONAL JOIN Quotes AS q UNIDIRECTIONAL ON t.symbol = q.symbol;"
        )
    );
}

#[test]
fn join_three_way_chain() {
    insta::assert_snapshot!(
        "join_three_way_chain",
        render_j(
            "CREATE STREAM News (symbol STRING, headline STRING);\n\
             INSERT INTO Out SELECT t.price, q.bid, n.headline FROM Trades AS t JOIN Quotes AS q ON t.symbol = q.symbol JOIN News AS n ON n.symbol = t.symbol;"
        )
    );
}

#[test]
fn join_using() {
    insta::assert_snapshot!(
        "join_using",
        render_j("INSERT INTO Out SELECT t.price, q.bid FROM Trades AS t JOIN Quotes AS q USING (symbol);")
    );
}

#[test]
fn join_natural() {
    insta::assert_snapshot!(
        "join_natural",
        render_j("INSERT INTO Out SELECT price, bid FROM Trades NATURAL JOIN Quotes;")
    );
}

#[test]
fn join_self_without_aliases() {
    insta::assert_snapshot!(
        "join_self_without_aliases",
        render_j("INSERT INTO Out SELECT price FROM Trades JOIN Trades ON price > 1.0;")
    );
}

#[test]
fn join_aggregate_in_on() {
    insta::assert_snapshot!(
        "join_aggregate_in_on",
        render_j(
            "INSERT INTO Out SELECT t.price FROM Trades AS t JOIN Quotes AS q ON count() > 1;"
        )
    );
}

#[test]
fn join_side_window_not_supported() {
    insta::assert_snapshot!(
        "join_side_window_not_supported",
        render_j(
            "INSERT INTO Out SELECT t.price FROM Trades AS t WINDOW('session', 5 SECONDS) JOIN Quotes AS q ON t.symbol = q.symbol;"
        )
    );
}

#[test]
fn join_star_with_duplicate_names() {
    insta::assert_snapshot!(
        "join_star_with_duplicate_names",
        render_j(
            "INSERT INTO Out SELECT * FROM Trades AS t JOIN Quotes AS q ON t.symbol = q.symbol;"
        )
    );
}

/// Every join error path, by code; and the well-formed joins plan.
#[test]
fn join_error_codes() {
    let cases: &[(Option<&str>, &str)] = &[
        (None, "INSERT INTO Out SELECT t.price, q.bid FROM Trades AS t JOIN Quotes AS q ON t.symbol = q.symbol;"),
        (None, "INSERT INTO Out SELECT t.price, q.bid FROM Trades AS t JOIN Quotes AS q;"),
        (None, "INSERT INTO Out SELECT a.price, b.price AS p2 FROM Trades AS a WINDOW('length', 2) JOIN Trades AS b WINDOW('time', 1 SECOND) ON a.symbol = b.symbol;"),
        (None, "INSERT INTO Out SELECT q.*, t.price FROM Trades AS t FULL OUTER JOIN Quotes AS q UNIDIRECTIONAL ON t.symbol = q.symbol WHERE t.price > q.bid;"),
        (Some("E0102"), "INSERT INTO Out SELECT t.nope FROM Trades AS t JOIN Quotes AS q;"),
        (Some("E0102"), "INSERT INTO Out SELECT nope FROM Trades AS t JOIN Quotes AS q;"),
        (Some("E0104"), "INSERT INTO Out SELECT x.price FROM Trades AS t JOIN Quotes AS q;"),
        (Some("E0104"), "INSERT INTO Out SELECT x.* FROM Trades AS t JOIN Quotes AS q;"),
        (Some("E0106"), "INSERT INTO Out SELECT ts FROM Trades AS t JOIN Quotes AS q;"),
        (Some("E0106"), "INSERT INTO Out SELECT t.price FROM Trades AS t JOIN Quotes AS q WHERE symbol = 'a';"),
        (Some("E0106"), "INSERT INTO Out SELECT t.price FROM Trades AS t JOIN Quotes AS q ON symbol = 'a';"),
        (Some("E0107"), "INSERT INTO Out SELECT a.price FROM Trades AS a JOIN Quotes AS a;"),
        (Some("E0203"), "INSERT INTO Out SELECT t.price FROM Trades AS t JOIN Quotes AS q ON t.price;"),
        (Some("E0201"), "INSERT INTO Out SELECT t.price FROM Trades AS t JOIN Quotes AS q ON t.symbol = q.bid;"),
        (Some("E0301"), "INSERT INTO Out SELECT t.price FROM Trades AS t JOIN Quotes AS q ON sum(q.bid) > 1.0;"),
        (Some("E0509"), "INSERT INTO Out SELECT * FROM Trades AS t JOIN Quotes AS q;"),
        (Some("E0520"), "INSERT INTO Out SELECT t.price FROM Trades AS t UNIDIRECTIONAL JOIN Quotes AS q UNIDIRECTIONAL;"),
        (Some("E0009"), "INSERT INTO Out SELECT t.price FROM Trades AS t JOIN Quotes AS q USING (symbol);"),
        (Some("E0009"), "INSERT INTO Out SELECT t.price FROM Trades NATURAL JOIN Quotes;"),
        (Some("E0009"), "INSERT INTO Out SELECT t.price FROM Trades AS t JOIN Quotes AS q ON t.symbol = q.symbol LEFT JOIN Trades AS u ON u.symbol = t.symbol;"),
        (Some("E0900"), "INSERT INTO Out SELECT t.price FROM Trades AS t WINDOW('hop', 2 SECONDS, 1 SECOND) JOIN Quotes AS q;"),
        (Some("E0900"), "INSERT INTO Out SELECT t.price FROM Trades AS t JOIN Quotes AS q OUTPUT SNAPSHOT EVERY 1 SECOND;"),
        (Some("E0403"), "INSERT INTO Out SELECT t.price FROM Trades AS t JOIN Quotes AS q WINDOW('length', 0);"),
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
