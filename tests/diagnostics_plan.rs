//! Plan diagnostics as a user sees them: snapshot tests of rendered errors and
//! warnings (code, message, caret at the start of the offending item, help line),
//! plus a table of bad apps that pins the error code of every planner error path.

use fluxtide::{App, Error};

/// The stream most tests read from.
const TRADES: &str =
    "CREATE STREAM Trades (symbol STRING, price DOUBLE, volume BIGINT, ok BOOL);\n";

/// Renders the diagnostics of an app that must fail to plan.
fn render(text: &str) -> String {
    match App::from_sql("app.sql", text) {
        Ok(_) => panic!("expected a plan error for:\n{text}"),
        Err(Error::Query(d)) => d.render(),
        Err(e) => panic!("expected a query error, got {e}"),
    }
}

/// `TRADES` followed by `rest`, rendered.
fn render_t(rest: &str) -> String {
    render(&format!("{TRADES}{rest}"))
}

/// Renders the warnings of an app that must plan.
fn warnings(text: &str) -> String {
    match App::from_sql("app.sql", text) {
        Ok(app) => app.warnings().render(),
        Err(e) => panic!("expected the app to plan, got:\n{e}"),
    }
}

/// Diagnostics of an app that must fail to plan: checked on its own, or else when
/// planned for a run (where a file source or sink without a path is an error).
fn plan_errors(text: &str) -> fluxtide::Diagnostics {
    let result = App::from_sql("app.sql", text).and_then(|app| app.plan().map(|_| ()));
    match result {
        Ok(()) => panic!("expected a plan error for:\n{text}"),
        Err(Error::Query(d)) => d,
        Err(e) => panic!("expected a query error, got {e}"),
    }
}

/// Codes of all diagnostics of an app that must fail to plan (errors first).
fn codes(text: &str) -> Vec<&'static str> {
    plan_errors(text).list.iter().map(|d| d.code).collect()
}

// ------------------------------------------------------------------ names

#[test]
fn unknown_stream_with_suggestion() {
    insta::assert_snapshot!(
        "unknown_stream_with_suggestion",
        render_t("INSERT INTO Out SELECT symbol FROM Trade;")
    );
}

#[test]
fn unknown_stream_without_suggestion() {
    insta::assert_snapshot!(
        "unknown_stream_without_suggestion",
        render_t("INSERT INTO Out SELECT symbol FROM Orders;")
    );
}

#[test]
fn unknown_attribute_near_miss() {
    insta::assert_snapshot!(
        "unknown_attribute_near_miss",
        render_t("INSERT INTO Out SELECT symbol, prise FROM Trades;")
    );
}

#[test]
fn unknown_attribute_far_miss() {
    insta::assert_snapshot!(
        "unknown_attribute_far_miss",
        render_t("INSERT INTO Out SELECT symbol FROM Trades WHERE quantity > 10;")
    );
}

#[test]
fn stream_name_after_alias() {
    insta::assert_snapshot!(
        "stream_name_after_alias",
        render_t("INSERT INTO Out SELECT Trades.price FROM Trades AS t;")
    );
}

#[test]
fn unknown_qualifier() {
    insta::assert_snapshot!(
        "unknown_qualifier",
        render_t("INSERT INTO Out SELECT x.price FROM Trades;")
    );
}

// ------------------------------------------------------------------ types

#[test]
fn string_compared_with_number() {
    insta::assert_snapshot!(
        "string_compared_with_number",
        render_t("INSERT INTO Out SELECT price FROM Trades WHERE symbol > 10;")
    );
}

#[test]
fn bool_compared_with_number() {
    insta::assert_snapshot!(
        "bool_compared_with_number",
        render_t("INSERT INTO Out SELECT price FROM Trades WHERE ok = 1;")
    );
}

#[test]
fn arithmetic_on_string() {
    insta::assert_snapshot!(
        "arithmetic_on_string",
        render_t("INSERT INTO Out SELECT symbol + 1 AS s FROM Trades;")
    );
}

#[test]
fn where_not_bool() {
    insta::assert_snapshot!(
        "where_not_bool",
        render_t("INSERT INTO Out SELECT symbol FROM Trades\nWHERE price * volume;")
    );
}

#[test]
fn and_with_non_bool_operand() {
    insta::assert_snapshot!(
        "and_with_non_bool_operand",
        render_t("INSERT INTO Out SELECT symbol FROM Trades WHERE price > 1.0 AND volume;")
    );
}

#[test]
fn aggregate_in_where() {
    insta::assert_snapshot!(
        "aggregate_in_where",
        render_t("INSERT INTO Out SELECT symbol FROM Trades WHERE sum(price) > 10.0;")
    );
}

#[test]
fn unknown_function_with_suggestion() {
    insta::assert_snapshot!(
        "unknown_function_with_suggestion",
        render_t("INSERT INTO Out SELECT uper(symbol) AS s FROM Trades;")
    );
}

#[test]
fn wrong_function_arity() {
    insta::assert_snapshot!(
        "wrong_function_arity",
        render_t("INSERT INTO Out SELECT upper(symbol, 2) AS s FROM Trades;")
    );
}

#[test]
fn bad_cast() {
    insta::assert_snapshot!(
        "bad_cast",
        render_t("INSERT INTO Out SELECT CAST(price AS MONEY) AS p FROM Trades;")
    );
}

#[test]
fn case_branches_incompatible() {
    insta::assert_snapshot!(
        "case_branches_incompatible",
        render_t("INSERT INTO Out\nSELECT CASE WHEN ok THEN 'yes' ELSE 0 END AS a FROM Trades;")
    );
}

#[test]
fn month_in_duration() {
    insta::assert_snapshot!(
        "month_in_duration",
        render_t("INSERT INTO Out SELECT INTERVAL '1' MONTH AS m FROM Trades;")
    );
}

// ------------------------------------------------------------------ INSERT targets

#[test]
fn insert_wrong_arity() {
    insta::assert_snapshot!(
        "insert_wrong_arity",
        render_t(
            "CREATE STREAM Out (symbol STRING);\nINSERT INTO Out SELECT symbol, price FROM Trades;"
        )
    );
}

#[test]
fn insert_narrowing_type() {
    insta::assert_snapshot!(
        "insert_narrowing_type",
        render_t(
            "CREATE STREAM Out (symbol STRING, p INT);\nINSERT INTO Out SELECT symbol, price FROM Trades;"
        )
    );
}

#[test]
fn insert_into_source_stream() {
    insta::assert_snapshot!(
        "insert_into_source_stream",
        render(
            "CREATE STREAM Src (v INT) WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'in.jsonl');\n\
             CREATE STREAM Other (v INT);\n\
             INSERT INTO Src SELECT v FROM Other;"
        )
    );
}

// ------------------------------------------------------------------ declarations

#[test]
fn duplicate_stream() {
    insta::assert_snapshot!(
        "duplicate_stream",
        render_t(
            "CREATE STREAM Trades (symbol STRING);\nINSERT INTO Out SELECT symbol FROM Trades;"
        )
    );
}

#[test]
fn duplicate_attribute() {
    insta::assert_snapshot!(
        "duplicate_attribute",
        render("CREATE STREAM S (a INT, b STRING, a DOUBLE);\nINSERT INTO Out SELECT b FROM S;")
    );
}

#[test]
fn query_cycle() {
    insta::assert_snapshot!(
        "query_cycle",
        render(
            "CREATE STREAM Src (v INT);\n\
             INSERT INTO A SELECT v FROM B;\n\
             INSERT INTO B SELECT v FROM A;"
        )
    );
}

// ------------------------------------------------------------------ WITH options

#[test]
fn option_unknown_key_with_suggestion() {
    insta::assert_snapshot!(
        "option_unknown_key_with_suggestion",
        render("CREATE STREAM S (v INT, ts BIGINT) WITH ('event.tme' = 'ts');\nINSERT INTO Out SELECT v FROM S;")
    );
}

#[test]
fn option_unknown_type_value() {
    insta::assert_snapshot!(
        "option_unknown_type_value",
        render(
            "CREATE STREAM S (v INT) WITH ('type' = 'sorce', 'extension' = 'file', 'file.path' = 'x.jsonl');\n\
             INSERT INTO Out SELECT v FROM S;"
        )
    );
}

#[test]
fn option_format_on_internal_stream() {
    insta::assert_snapshot!(
        "option_format_on_internal_stream",
        render(
            "CREATE STREAM S (v INT) WITH ('format' = 'json');\nINSERT INTO Out SELECT v FROM S;"
        )
    );
}

#[test]
fn option_source_without_extension() {
    insta::assert_snapshot!(
        "option_source_without_extension",
        render(
            "CREATE STREAM S (v INT) WITH ('type' = 'source', 'file.path' = 'x.jsonl');\n\
             INSERT INTO Out SELECT v FROM S;"
        )
    );
}

#[test]
fn option_event_time_missing_attribute() {
    insta::assert_snapshot!(
        "option_event_time_missing_attribute",
        render("CREATE STREAM S (v INT, ts BIGINT) WITH ('event.time' = 'tss');\nINSERT INTO Out SELECT v FROM S;")
    );
}

#[test]
fn option_event_time_string_attribute() {
    insta::assert_snapshot!(
        "option_event_time_string_attribute",
        render("CREATE STREAM S (v INT, ts STRING) WITH ('event.time' = 'ts');\nINSERT INTO Out SELECT v FROM S;")
    );
}

#[test]
fn option_bad_watermark_delay() {
    insta::assert_snapshot!(
        "option_bad_watermark_delay",
        render(
            "CREATE STREAM S (v INT, ts BIGINT) WITH ('event.time' = 'ts', 'watermark.delay' = '2 SECS');\n\
             INSERT INTO Out SELECT v FROM S;"
        )
    );
}

#[test]
fn option_bad_late_events() {
    insta::assert_snapshot!(
        "option_bad_late_events",
        render(
            "CREATE STREAM S (v INT, ts BIGINT) WITH ('event.time' = 'ts', 'late.events' = 'keep');\n\
             INSERT INTO Out SELECT v FROM S;"
        )
    );
}

#[test]
fn option_dlq_without_stream() {
    insta::assert_snapshot!(
        "option_dlq_without_stream",
        render(
            "CREATE STREAM S (v INT) WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'x.jsonl',\n  'error.strategy' = 'dlq');\n\
             INSERT INTO Out SELECT v FROM S;"
        )
    );
}

#[test]
fn option_unsupported_connector() {
    insta::assert_snapshot!(
        "option_unsupported_connector",
        render(
            "CREATE STREAM S (v INT) WITH ('type' = 'source', 'extension' = 'kafka', 'kafka.topic' = 't');\n\
             INSERT INTO Out SELECT v FROM S;"
        )
    );
}

// ------------------------------------------------------------------ not supported yet

#[test]
fn not_yet_pattern() {
    insta::assert_snapshot!(
        "not_yet_pattern",
        render_t("INSERT INTO Out SELECT e1.price AS p FROM PATTERN (e1=Trades -> e2=Trades);")
    );
}

// ------------------------------------------------------------------ warnings

#[test]
fn warning_no_insert_into() {
    insta::assert_snapshot!(
        "warning_no_insert_into",
        warnings(&format!("{TRADES}SELECT symbol FROM Trades;"))
    );
}

#[test]
fn warning_generated_column_name() {
    insta::assert_snapshot!(
        "warning_generated_column_name",
        warnings(&format!(
            "{TRADES}INSERT INTO Out SELECT symbol, price * volume FROM Trades;"
        ))
    );
}

#[test]
fn warning_decimal() {
    insta::assert_snapshot!(
        "warning_decimal",
        warnings("CREATE STREAM S (id INT, amount DECIMAL(10, 2));\nINSERT INTO Out SELECT id, amount FROM S;")
    );
}

// ------------------------------------------------------------------ every error path, by code

/// One bad app per planner error path, with the code its first diagnostic must have.
const CASES: &[(&str, &str)] = &[
    // names
    ("E0101", "SELECT a FROM Nope;"),
    ("E0101", "CREATE STREAM S (a INT); INSERT INTO Out SELECT a FROM S2;"),
    ("E0102", "CREATE STREAM S (a INT); INSERT INTO O SELECT b FROM S;"),
    ("E0104", "CREATE STREAM S (a INT); INSERT INTO O SELECT S.a FROM S AS s;"),
    ("E0104", "CREATE STREAM S (a INT); INSERT INTO O SELECT x.* FROM S;"),
    ("E0105", "CREATE STREAM S (a INT); INSERT INTO O SELECT e[0].a AS x FROM S;"),
    // types
    ("E0201", "CREATE STREAM S (a INT, s STRING); INSERT INTO O SELECT a FROM S WHERE s = 1;"),
    ("E0201", "CREATE STREAM S (a INT, b BOOL); INSERT INTO O SELECT a FROM S WHERE b < 2;"),
    ("E0201", "CREATE STREAM S (a INT); INSERT INTO O SELECT a FROM S WHERE a LIKE 'x%';"),
    ("E0201", "CREATE STREAM S (a INT, s STRING); INSERT INTO O SELECT a FROM S WHERE a BETWEEN 'a' AND 'b';"),
    ("E0201", "CREATE STREAM S (a INT); INSERT INTO O SELECT a FROM S WHERE a IN (1, 'two');"),
    ("E0201", "CREATE STREAM S (a INT); INSERT INTO O SELECT CASE a WHEN 'x' THEN 1 END AS c FROM S;"),
    ("E0202", "CREATE STREAM S (s STRING); INSERT INTO O SELECT s * 2 AS x FROM S;"),
    ("E0202", "CREATE STREAM S (b BOOL); INSERT INTO O SELECT -b AS x FROM S;"),
    ("E0203", "CREATE STREAM S (a INT); INSERT INTO O SELECT a FROM S WHERE a + 1;"),
    ("E0203", "CREATE STREAM S (a INT); INSERT INTO O SELECT CASE WHEN a THEN 1 END AS c FROM S;"),
    ("E0204", "CREATE STREAM S (a INT); INSERT INTO O SELECT a FROM S WHERE a > 1 OR a;"),
    ("E0204", "CREATE STREAM S (a INT); INSERT INTO O SELECT a FROM S WHERE NOT a;"),
    ("E0205", "CREATE STREAM S (s STRING); INSERT INTO O SELECT lenght(s) AS n FROM S;"),
    ("E0205", "CREATE STREAM S (s STRING); INSERT INTO O SELECT str:upper(s) AS n FROM S;"),
    ("E0206", "CREATE STREAM S (s STRING); INSERT INTO O SELECT upper() AS n FROM S;"),
    ("E0206", "CREATE STREAM S (s STRING); INSERT INTO O SELECT upper(DISTINCT s) AS n FROM S;"),
    ("E0206", "CREATE STREAM S (s STRING); INSERT INTO O SELECT upper(*) AS n FROM S;"),
    ("E0206", "CREATE STREAM S (s STRING); INSERT INTO O SELECT uuid(s) AS n FROM S;"),
    ("E0206", "CREATE STREAM S (d DOUBLE); INSERT INTO O SELECT length(d) AS n FROM S;"),
    ("E0208", "CREATE STREAM S (b BOOL); INSERT INTO O SELECT CASE WHEN b THEN 1 ELSE 'x' END AS c FROM S;"),
    ("E0210", "CREATE STREAM S (s STRING); INSERT INTO O SELECT s FROM S WHERE s LIKE 'a%' ESCAPE 'ab';"),
    ("E0211", "CREATE STREAM S (a INT); INSERT INTO O SELECT INTERVAL '2' YEAR AS y FROM S;"),
    ("E0301", "CREATE STREAM S (a INT); INSERT INTO O SELECT a FROM S WHERE max(a) > 1;"),
    // declarations and targets
    ("E0501", "CREATE STREAM S (a INT); CREATE STREAM S (b INT); INSERT INTO O SELECT a FROM S;"),
    ("E0502", "CREATE STREAM S (a INT); INSERT INTO A SELECT a FROM B; INSERT INTO B SELECT a FROM A;"),
    ("E0502", "CREATE STREAM S (a INT); INSERT INTO A SELECT a FROM A;"),
    ("E0503", "CREATE STREAM S (a INT); CREATE STREAM O (a INT, b INT); INSERT INTO O SELECT a FROM S;"),
    ("E0504", "CREATE STREAM S (a STRING); CREATE STREAM O (a INT); INSERT INTO O SELECT a FROM S;"),
    ("E0504", "CREATE STREAM S (a BIGINT); CREATE STREAM O (a INT); INSERT INTO O SELECT a FROM S;"),
    ("E0505", "CREATE STREAM S (a INT) WITH ('type'='source', 'extension'='file', 'file.path'='x.jsonl'); CREATE STREAM T (a INT); INSERT INTO S SELECT a FROM T;"),
    ("E0506", "CREATE STREAM S (a INT, a INT); INSERT INTO O SELECT a FROM S;"),
    ("E0508", "CREATE STREAM S (a INT); INSERT INTO #Tmp SELECT a FROM S;"),
    ("E0508", "CREATE STREAM S (a INT); INSERT INTO O SELECT a FROM #Tmp;"),
    ("E0509", "CREATE STREAM S (a INT, b INT); INSERT INTO O SELECT a, b AS a FROM S;"),
    // WITH options
    ("E0601", "CREATE STREAM S (a INT) WITH ('colour' = 'red'); INSERT INTO O SELECT a FROM S;"),
    ("E0601", "CREATE STREAM S (a INT) WITH ('type'='source', 'extension'='file', 'file.pth'='x'); INSERT INTO O SELECT a FROM S;"),
    ("E0601", "CREATE STREAM S (a INT) WITH ('file.path' = 'x.jsonl'); INSERT INTO O SELECT a FROM S;"),
    ("E0601", "CREATE STREAM S (a INT) WITH ('type'='source', 'extension'='kafka', 'file.path'='x'); INSERT INTO O SELECT a FROM S;"),
    ("E0602", "CREATE STREAM S (a INT) WITH ('type' = 'stream'); INSERT INTO O SELECT a FROM S;"),
    ("E0602", "CREATE STREAM S (a INT) WITH ('type'='source', 'extension'='file', 'file.path'='x', 'format'='xml'); INSERT INTO O SELECT a FROM S;"),
    ("E0602", "CREATE STREAM S (a INT) WITH ('type'='source', 'extension'='file', 'file.path'='x', 'csv.delimiter'=';;'); INSERT INTO O SELECT a FROM S;"),
    ("E0602", "CREATE STREAM S (a INT) WITH ('type'='source', 'extension'='file', 'file.path'='x', 'json.fail.on.missing.field'='maybe'); INSERT INTO O SELECT a FROM S;"),
    ("E0602", "CREATE STREAM S (a INT) WITH ('watermark.delay' = '1 MONTH'); INSERT INTO O SELECT a FROM S;"),
    ("E0602", "CREATE STREAM S (a INT) WITH ('watermark.delay' = 'soon'); INSERT INTO O SELECT a FROM S;"),
    ("E0602", "CREATE STREAM S (a INT) WITH ('late.events' = 'stream:Late'); INSERT INTO O SELECT a FROM S;"),
    ("E0602", "CREATE STREAM S (a INT) WITH ('late.events' = 'stream:L'); CREATE STREAM L (a INT); INSERT INTO O SELECT a FROM S;"),
    ("E0602", "CREATE STREAM S (a INT) WITH ('late.events' = 'later'); INSERT INTO O SELECT a FROM S;"),
    ("E0602", "CREATE STREAM S (a INT) WITH ('error.strategy' = 'retry'); INSERT INTO O SELECT a FROM S;"),
    ("E0602", "CREATE STREAM S (a INT) WITH ('error.strategy' = 'ignore'); INSERT INTO O SELECT a FROM S;"),
    ("E0602", "CREATE STREAM S (a INT) WITH ('error.strategy' = 'dlq', 'error.dlq.stream' = 'Dead'); INSERT INTO O SELECT a FROM S;"),
    ("E0602", "CREATE STREAM Dead (x INT); CREATE STREAM S (a INT) WITH ('error.strategy' = 'dlq', 'error.dlq.stream' = 'Dead'); INSERT INTO O SELECT a FROM S;"),
    ("E0603", "CREATE STREAM S (a INT) WITH ('type' = 'internal', 'type' = 'internal'); INSERT INTO O SELECT a FROM S;"),
    ("E0604", "CREATE STREAM S (a INT) WITH ('format' = 'csv'); INSERT INTO O SELECT a FROM S;"),
    ("E0604", "CREATE STREAM S (a INT) WITH ('type' = 'internal', 'extension' = 'file'); INSERT INTO O SELECT a FROM S;"),
    ("E0604", "CREATE STREAM S (a INT) WITH ('type' = 'sink'); INSERT INTO S SELECT a FROM S2; CREATE STREAM S2 (a INT);"),
    ("E0604", "CREATE STREAM S (a INT) WITH ('type' = 'source', 'extension' = 'file'); INSERT INTO O SELECT a FROM S;"),
    ("E0604", "CREATE STREAM Src (a INT); CREATE STREAM S (a INT) WITH ('type' = 'sink', 'extension' = 'file'); INSERT INTO S SELECT a FROM Src;"),
    ("E0605", "CREATE STREAM S (a INT) WITH ('event.time' = 'ts'); INSERT INTO O SELECT a FROM S;"),
    ("E0605", "CREATE STREAM S (a INT, ts DOUBLE) WITH ('event.time' = 'ts'); INSERT INTO O SELECT a FROM S;"),
    ("E0606", "CREATE STREAM S (a INT) WITH ('error.strategy' = 'dlq'); INSERT INTO O SELECT a FROM S;"),
    // not supported yet
    ("E0900", "CREATE STREAM S (a INT) WITH ('type' = 'sink', 'extension' = 'http'); INSERT INTO S SELECT a FROM T; CREATE STREAM T (a INT);"),
    ("E0900", "CREATE STREAM S (a INT) WITH ('watermark.idle' = '5 SECONDS'); INSERT INTO O SELECT a FROM S;"),
    ("E0900", "CREATE STREAM S (a INT); CREATE STREAM T (a INT); INSERT INTO O SELECT s.a FROM S AS s JOIN T AS t ON s.a = t.a OUTPUT SNAPSHOT EVERY 1 SECOND;"),
    ("E0900", "CREATE STREAM S (a INT); CREATE STREAM T (a INT); INSERT INTO O SELECT s.a FROM S AS s WINDOW('session', 5 SECONDS) JOIN T AS t ON s.a = t.a;"),
    ("E0900", "CREATE STREAM S (a INT); INSERT INTO O SELECT e1.a AS x FROM PATTERN (e1=S -> e2=S);"),
    ("E0900", "CREATE STREAM S (a INT); INSERT INTO O SELECT e1.a AS x FROM SEQUENCE (e1=S -> e2=S);"),
    ("E0900", "CREATE TRIGGER Tick AT EVERY 5 SECONDS; INSERT INTO O SELECT triggered_time FROM Tick;"),
    ("E0110", "CREATE STREAM S (a INT); INSERT INTO O SELECT a FROM S WHERE EXISTS (SELECT * FROM T WHERE T.a = S.a);"),
];

#[test]
fn every_error_path_has_its_code() {
    let mut failures = Vec::new();
    for (want, text) in CASES {
        let got = codes(text);
        if got.first() != Some(want) {
            failures.push(format!("{text}\n  want {want}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "wrong codes:\n{}", failures.join("\n"));
}

#[test]
fn expired_events_without_window_warns() {
    let w = warnings("CREATE STREAM S (a INT); INSERT EXPIRED EVENTS INTO O SELECT a FROM S;");
    assert!(w.contains("W0004"), "{w}");
}

#[test]
fn errors_come_with_their_warnings() {
    // A failing plan still reports the warnings found on the way, after the errors.
    let c = codes("CREATE STREAM S (a DECIMAL); SELECT b FROM S;");
    assert_eq!(c.first(), Some(&"E0102"), "{c:?}");
    assert!(c.contains(&"W0001") && c.contains(&"W0003"), "{c:?}");
}

#[test]
fn every_error_has_a_position_and_help_or_label() {
    // Every plan error of the table points somewhere in the text.
    for (_, text) in CASES {
        let d = plan_errors(text);
        for diag in d.list.iter().filter(|d| d.is_error()) {
            assert!(diag.span.is_some(), "no position for {diag} in {text}");
        }
    }
}
