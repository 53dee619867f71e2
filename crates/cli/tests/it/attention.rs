//! `bimo aufmerksamkeit` end to end through the binary: propose, confirm, list; a forbidden step
//! fails with its reason and stores nothing.

use std::path::Path;
use std::process::{Command, Output};

use domain::attention::{ReviewAction, ReviewState};
use store::{ReviewSubject, Store};

fn bimo(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bimo"))
        .arg("aufmerksamkeit")
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .output()
        .unwrap()
}

fn step(action: &str, area: &str, by: &str, comment: &str, date: &str) -> Vec<String> {
    [
        action,
        "--kommune",
        "berlin",
        "--layer",
        "planungsraum",
        "--area",
        area,
        "--index",
        "berlin-mss",
        "--edition",
        "2019",
        "--by",
        by,
        "--comment",
        comment,
        "--date",
        date,
    ]
    .map(str::to_owned)
    .to_vec()
}

fn run(data_dir: &Path, args: &[String]) -> Output {
    bimo(data_dir, &args.iter().map(String::as_str).collect::<Vec<_>>())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn subject(area: &str) -> ReviewSubject {
    ReviewSubject {
        kommune: "berlin".parse().unwrap(),
        index: "berlin-mss".parse().unwrap(),
        layer: "planungsraum".parse().unwrap(),
        area: area.parse().unwrap(),
    }
}

#[test]
fn propose_confirm_and_list() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &step("propose", "08010117", "A. Muster", "Status 4-", "2020-03-01"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "area 08010117 of layer planungsraum (berlin berlin-mss, edition 2019): proposed by A. Muster on 2020-03-01\n"
    );
    let out = run(dir.path(), &step("confirm", "08010117", "B. Beispiel", "Quartiersrat bestätigt", "2020-04-15"));
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = bimo(dir.path(), &["list", "--kommune", "berlin", "--index", "berlin-mss"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "Current state

layer         area      edition  state
planungsraum  08010117  2019     confirmed by B. Beispiel on 2020-04-15

History

layer         area      edition  step       date        by           comment
planungsraum  08010117  2019     proposed   2020-03-01  A. Muster    Status 4-
planungsraum  08010117  2019     confirmed  2020-04-15  B. Beispiel  Quartiersrat bestätigt
"
    );

    let store = Store::open(&dir.path().join("bimo.sqlite")).unwrap();
    let reviews = store.reviews(&"berlin".parse().unwrap(), &"berlin-mss".parse().unwrap()).unwrap();
    assert_eq!(reviews.len(), 1);
    assert!(matches!(reviews[0].review.state(), ReviewState::Confirmed { .. }));
}

#[test]
fn rejecting_an_unproposed_area_fails_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &step("reject", "1", "B. Beispiel", "kein Bedarf", "2020-04-15"));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "error: cannot reject area 1 of layer planungsraum (berlin berlin-mss, edition 2019): the area has not \
         been proposed; propose it before confirming or rejecting\n"
    );
    let store = Store::open(&dir.path().join("bimo.sqlite")).unwrap();
    assert_eq!(store.review_history(&subject("1")).unwrap(), vec![]);
    drop(store);
    let out = bimo(dir.path(), &["list", "--kommune", "berlin", "--index", "berlin-mss"]);
    assert_eq!(text(&out.stdout), "no area of berlin has been proposed for berlin-mss\n");
}

#[test]
fn a_decision_before_the_proposal_or_without_a_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    assert!(run(dir.path(), &step("propose", "1", "A. Muster", "", "2020-03-01")).status.success());
    let out = run(dir.path(), &step("confirm", "1", "B. Beispiel", "ja", "2020-02-01"));
    assert!(
        text(&out.stderr).ends_with("date 2020-02-01 precedes the previous step of 2020-03-01\n"),
        "{}",
        text(&out.stderr)
    );
    let out = run(dir.path(), &step("confirm", "1", "  ", "ja", "2020-04-01"));
    assert_eq!(text(&out.stderr), "error: the person taking the step must be named\n");
    let out = run(dir.path(), &step("confirm", "1", "B. Beispiel", "ja", "2020-04-31"));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("invalid date \"2020-04-31\""), "{}", text(&out.stderr));
    let store = Store::open(&dir.path().join("bimo.sqlite")).unwrap();
    let history = store.review_history(&subject("1")).unwrap();
    assert_eq!(history.iter().map(|r| r.event.action).collect::<Vec<_>>(), vec![ReviewAction::Propose]);
}

#[test]
fn the_date_defaults_to_today() {
    let dir = tempfile::tempdir().unwrap();
    let args: Vec<String> = step("propose", "1", "A. Muster", "", "x").into_iter().take(15).collect();
    let out = run(dir.path(), &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let store = Store::open(&dir.path().join("bimo.sqlite")).unwrap();
    let recorded = &store.review_history(&subject("1")).unwrap()[0];
    assert_eq!(recorded.event.step.date.to_string(), recorded.recorded_at[..10]);
}
