//! Plan diagnostics of windows, aggregates and the selector clauses (LANGUAGE.md
//! §2.16 items 4, 7 and 9), as a user sees them: snapshot tests of rendered errors
//! and warnings with their code, caret and help line.

use fluxtide::{App, Error};

/// The stream every test reads from.
const TRADES: &str =
    "CREATE STREAM Trades (symbol STRING, price DOUBLE, volume BIGINT, ok BOOL);\n";

/// `TRADES` followed by `rest`, which must fail to plan, rendered.
fn render_t(rest: &str) -> String {
    let text = format!("{TRADES}{rest}");
    match App::from_sql("app.sql", &text) {
        Ok(_) => panic!("expected a plan error for:\n{text}"),
        Err(Error::Query(d)) => d.render(),
        Err(e) => panic!("expected a query error, got {e}"),
    }
}

/// The warnings of `TRADES` followed by `rest`, which must plan.
fn warnings_t(rest: &str) -> String {
    let text = format!("{TRADES}{rest}");
    match App::from_sql("app.sql", &text) {
        Ok(app) => app.warnings().render(),
        Err(e) => panic!("expected the app to plan, got:\n{e}"),
    }
}

// ------------------------------------------------------------------ windows

#[test]
fn window_unknown_name_with_suggestion() {
    insta::assert_snapshot!(
        "window_unknown_name_with_suggestion",
        render_t(
            "INSERT INTO Out SELECT symbol, price FROM Trades WINDOW('tumbleing', 5 SECONDS);"
        )
    );
}

#[test]
fn window_unknown_name_without_suggestion() {
    insta::assert_snapshot!(
        "window_unknown_name_without_suggestion",
        render_t("INSERT INTO Out SELECT symbol, price FROM Trades WINDOW('rolling', 5 SECONDS);")
    );
}

#[test]
fn window_too_many_arguments() {
    insta::assert_snapshot!(
        "window_too_many_arguments",
        render_t("INSERT INTO Out SELECT symbol, price FROM Trades WINDOW('length', 3, 4);")
    );
}

#[test]
fn window_arguments_out_of_range() {
    insta::assert_snapshot!(
        "window_arguments_out_of_range",
        render_t(
            "INSERT INTO Out SELECT symbol, price FROM Trades\n\
             WINDOW('session', 5 SECONDS, symbol, 1 SECOND, 2);"
        )
    );
}

#[test]
fn window_too_few_arguments_variadic() {
    insta::assert_snapshot!(
        "window_too_few_arguments_variadic",
        render_t("INSERT INTO Out SELECT symbol, price FROM Trades WINDOW('sort', 3);")
    );
}

#[test]
fn window_non_constant_argument() {
    insta::assert_snapshot!(
        "window_non_constant_argument",
        render_t("INSERT INTO Out SELECT symbol, price FROM Trades WINDOW('length', volume);")
    );
}

#[test]
fn window_quoted_attribute() {
    insta::assert_snapshot!(
        "window_quoted_attribute",
        render_t("INSERT INTO Out SELECT symbol, price FROM Trades WINDOW('unique', 'symbol');")
    );
}

#[test]
fn window_expression_where_attribute_required() {
    insta::assert_snapshot!(
        "window_expression_where_attribute_required",
        render_t("INSERT INTO Out SELECT symbol, price FROM Trades WINDOW('sort', 3, price * 2);")
    );
}

#[test]
fn window_unknown_attribute_argument() {
    insta::assert_snapshot!(
        "window_unknown_attribute_argument",
        render_t("INSERT INTO Out SELECT symbol, price FROM Trades WINDOW('unique', symbl);")
    );
}

#[test]
fn window_zero_count() {
    insta::assert_snapshot!(
        "window_zero_count",
        render_t("INSERT INTO Out SELECT symbol, price FROM Trades WINDOW('lengthBatch', 0);")
    );
}

// ------------------------------------------------------------------ aggregates

#[test]
fn aggregate_in_where_of_windowed_query() {
    insta::assert_snapshot!(
        "aggregate_in_where_of_windowed_query",
        render_t(
            "INSERT INTO Out SELECT symbol, sum(price) AS total FROM Trades WINDOW('length', 3)\n\
             WHERE avg(price) > 1.0 GROUP BY symbol;"
        )
    );
}

#[test]
fn nested_aggregate() {
    insta::assert_snapshot!(
        "nested_aggregate",
        render_t(
            "INSERT INTO Out SELECT symbol, sum(max(price)) AS s FROM Trades WINDOW('length', 3)\n\
             GROUP BY symbol;"
        )
    );
}

#[test]
fn aggregate_in_group_by() {
    insta::assert_snapshot!(
        "aggregate_in_group_by",
        render_t(
            "INSERT INTO Out SELECT symbol, sum(price) AS s FROM Trades WINDOW('length', 3)\n\
             GROUP BY count();"
        )
    );
}

#[test]
fn having_not_bool() {
    insta::assert_snapshot!(
        "having_not_bool",
        render_t(
            "INSERT INTO Out SELECT symbol, sum(price) AS s FROM Trades WINDOW('length', 3)\n\
             GROUP BY symbol HAVING sum(price);"
        )
    );
}

// ------------------------------------------------------------------ ORDER BY, OUTPUT

#[test]
fn order_by_unknown_output_column_with_suggestion() {
    insta::assert_snapshot!(
        "order_by_unknown_output_column_with_suggestion",
        render_t(
            "INSERT INTO Out SELECT symbol, sum(price) AS total FROM Trades WINDOW('lengthBatch', 3)\n\
             GROUP BY symbol ORDER BY totl DESC;"
        )
    );
}

#[test]
fn order_by_input_attribute_not_selected() {
    insta::assert_snapshot!(
        "order_by_input_attribute_not_selected",
        render_t(
            "INSERT INTO Out SELECT symbol, sum(price) AS total FROM Trades WINDOW('lengthBatch', 3)\n\
             GROUP BY symbol ORDER BY volume;"
        )
    );
}

#[test]
fn output_snapshot_with_current_events() {
    insta::assert_snapshot!(
        "output_snapshot_with_current_events",
        render_t(
            "INSERT CURRENT EVENTS INTO Out SELECT symbol, sum(price) AS total\n\
             FROM Trades WINDOW('length', 3) GROUP BY symbol OUTPUT SNAPSHOT EVERY 5 SECONDS;"
        )
    );
}

#[test]
fn output_every_zero_events() {
    insta::assert_snapshot!(
        "output_every_zero_events",
        render_t("INSERT INTO Out SELECT symbol, price FROM Trades OUTPUT EVERY 0 EVENTS;")
    );
}

// ------------------------------------------------------------------ warnings

#[test]
fn warning_non_grouped_column() {
    insta::assert_snapshot!(
        "warning_non_grouped_column",
        warnings_t(
            "INSERT INTO Out SELECT symbol, price, sum(volume) AS v\n\
             FROM Trades WINDOW('lengthBatch', 3) GROUP BY symbol;"
        )
    );
}

// ------------------------------------------------------------------ every error path, by code

/// One bad query per window/aggregate/selector error path over
/// `S (a INT, s STRING, t BIGINT, d DOUBLE)`, with the code of its first diagnostic.
const CASES: &[(&str, &str)] = &[
    // window names and arity
    ("E0401", "INSERT INTO O SELECT a FROM S WINDOW('lenght', 3);"),
    ("E0900", "INSERT INTO O SELECT a FROM S WINDOW('batch');"),
    ("E0900", "INSERT INTO O SELECT a FROM S WINDOW('lossyCounting', 0.1);"),
    ("E0402", "INSERT INTO O SELECT a FROM S WINDOW('time');"),
    ("E0402", "INSERT INTO O SELECT a FROM S WINDOW('frequent');"),
    ("E0402", "INSERT INTO O SELECT a FROM S WINDOW('sort', 2);"),
    ("E0402", "INSERT INTO O SELECT a FROM S WINDOW('lossyFrequent');"),
    // constant arguments
    ("E0403", "INSERT INTO O SELECT a FROM S WINDOW('length', a);"),
    ("E0403", "INSERT INTO O SELECT a FROM S WINDOW('length', 2.5);"),
    ("E0403", "INSERT INTO O SELECT a FROM S WINDOW('length', -1);"),
    ("E0403", "INSERT INTO O SELECT a FROM S WINDOW('time', 0);"),
    ("E0403", "INSERT INTO O SELECT a FROM S WINDOW('time', 'soon');"),
    ("E0403", "INSERT INTO O SELECT a FROM S WINDOW('delay', -5);"),
    ("E0403", "INSERT INTO O SELECT a FROM S WINDOW('lengthBatch', 3, 1);"),
    ("E0403", "INSERT INTO O SELECT a FROM S WINDOW('timeBatch', 1 SECOND, 'x');"),
    ("E0403", "INSERT INTO O SELECT a FROM S WINDOW('sort', 2, a, 'up');"),
    ("E0403", "INSERT INTO O SELECT a FROM S WINDOW('session', 1 SECOND, s, 2 SECONDS);"),
    ("E0403", "INSERT INTO O SELECT a FROM S WINDOW('hop', 1 SECOND, 2 SECONDS);"),
    ("E0403", "INSERT INTO O SELECT a FROM S WINDOW('cron', '* * *');"),
    ("E0403", "INSERT INTO O SELECT a FROM S WINDOW('cron', 5);"),
    ("E0403", "INSERT INTO O SELECT a FROM S WINDOW('expression', 'count() <= 0');"),
    ("E0900", "INSERT INTO O SELECT a FROM S WINDOW('expression', 'sum(a) < 10');"),
    ("E0403", "INSERT INTO O SELECT a FROM S WINDOW('lossyFrequent', 1.5);"),
    ("E0403", "INSERT INTO O SELECT a FROM S WINDOW('lossyFrequent', 0.1, 0.2);"),
    ("E0403", "INSERT INTO O SELECT a FROM S WINDOW('lossyFrequent', 1);"),
    ("E0301", "INSERT INTO O SELECT a FROM S WINDOW('length', max(a));"),
    // attribute arguments
    ("E0403", "INSERT INTO O SELECT a FROM S WINDOW('unique', a + 1);"),
    ("E0403", "INSERT INTO O SELECT a FROM S WINDOW('frequent', 2, 'a');"),
    ("E0102", "INSERT INTO O SELECT a FROM S WINDOW('unique', b);"),
    ("E0104", "INSERT INTO O SELECT a FROM S AS x WINDOW('unique', y.a);"),
    ("E0403", "INSERT INTO O SELECT a FROM S WINDOW('externalTime', s, 1 SECOND);"),
    // aggregates
    ("E0301", "INSERT INTO O SELECT a, count() AS n FROM S WHERE count() > 1;"),
    ("E0301", "INSERT INTO O SELECT sum(count()) AS n FROM S;"),
    ("E0301", "INSERT INTO O SELECT a, count() AS n FROM S GROUP BY sum(a);"),
    ("E0203", "INSERT INTO O SELECT a, count() AS n FROM S GROUP BY a HAVING count();"),
    // ORDER BY and OUTPUT
    ("E0510", "INSERT INTO O SELECT a, count() AS n FROM S GROUP BY a ORDER BY m;"),
    ("E0510", "INSERT INTO O SELECT a, count() AS n FROM S GROUP BY a ORDER BY n + 1;"),
    ("E0511", "INSERT INTO O SELECT a FROM S OUTPUT EVERY 0 EVENTS;"),
    ("E0511", "INSERT INTO O SELECT a FROM S OUTPUT SNAPSHOT EVERY 3 EVENTS;"),
    ("E0511", "INSERT INTO O SELECT a FROM S OUTPUT EVERY 0 SECONDS;"),
    ("E0511", "INSERT EXPIRED EVENTS INTO O SELECT a FROM S WINDOW('length', 2) OUTPUT SNAPSHOT EVERY 1 SECOND;"),
];

/// Diagnostics of `S` followed by `query`, which must fail to plan.
fn plan_errors(query: &str) -> fluxtide::Diagnostics {
    let text = format!("CREATE STREAM S (a INT, s STRING, t BIGINT, d DOUBLE);\n{query}");
    match App::from_sql("app.sql", &text) {
        Ok(_) => panic!("expected a plan error for:\n{text}"),
        Err(Error::Query(d)) => d,
        Err(e) => panic!("expected a query error, got {e}"),
    }
}

#[test]
fn every_window_and_selector_error_path_has_its_code() {
    let mut failures = Vec::new();
    for (want, query) in CASES {
        let d = plan_errors(query);
        let got: Vec<&str> = d.list.iter().map(|d| d.code).collect();
        if got.first() != Some(want) {
            failures.push(format!("{query}\n  want {want}, got {got:?}"));
        }
        for diag in d.list.iter().filter(|d| d.is_error()) {
            if diag.span.is_none() {
                failures.push(format!("{query}\n  no position for {diag}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "wrong diagnostics:\n{}",
        failures.join("\n")
    );
}

#[test]
fn no_non_grouped_warning_for_slide_windows() {
    // On a slide window each row comes from its own event, as a reader expects.
    let w = warnings_t(
        "INSERT INTO Out SELECT symbol, price, sum(volume) AS v\n\
         FROM Trades WINDOW('length', 3) GROUP BY symbol;",
    );
    assert!(!w.contains("W0005"), "{w}");
}
