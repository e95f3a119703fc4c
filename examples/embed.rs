//! Embedding fluxtide: build an app from SQL, push events from Rust, receive rows.
//!
//! `cargo run --release --example embed -- -w 2`

use fluxtide::value::Value;
use fluxtide::{App, RunConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let workers = std::env::args()
        .skip_while(|a| a != "-w")
        .nth(1)
        .and_then(|w| w.parse().ok())
        .unwrap_or(1);
    let mut app = App::from_sql(
        "embed.sql",
        "CREATE STREAM Orders (id BIGINT, customer STRING, amount DOUBLE, ts BIGINT)
             WITH ('event.time' = 'ts');
         INSERT INTO Large
         SELECT id, upper(customer) AS customer, amount, amount * 0.2 AS vat
         FROM Orders WHERE amount >= 100.0;",
    )?;
    let cfg = RunConfig {
        workers,
        ..RunConfig::default()
    };
    let running = app.start(cfg, &["Orders"], &["Large"])?;
    for i in 0..1000i64 {
        let customer = ["ada", "bob", "cyd"][(i % 3) as usize];
        let amount = (i * 37 % 250) as f64;
        running.send(
            "Orders",
            None,
            vec![
                Value::Long(i),
                Value::str(customer),
                Value::Double(amount),
                Value::Long(1_000 + i),
            ],
        )?;
    }
    let finished = running.finish()?;
    println!(
        "{} large orders; first: {:?}",
        finished.rows.len(),
        finished.rows.first().map(|r| &r.row)
    );
    eprintln!("{}", finished.summary.line());
    Ok(())
}
