use super::*;

fn key(k: &str) -> AreaKey {
    AreaKey::new(k).unwrap()
}

/// The presumed MSS rule (METHODS §1.3, UNVERIFIED): status niedrig or sehr niedrig, or status
/// mittel with dynamics negativ.
fn mss() -> AttentionRule {
    AttentionRule::new(["1", "2", "3", "4"], ["2-", "3+", "3+/-", "3-", "4+", "4+/-", "4-"]).unwrap()
}

fn ed<'a>(rows: &[(&str, Option<&'a str>)]) -> Vec<(AreaKey, Option<&'a str>)> {
    rows.iter().map(|(k, c)| (key(k), *c)).collect()
}

fn signals(warnings: &[EarlyWarning]) -> Vec<(&str, Signal)> {
    warnings.iter().map(|w| (w.area.as_str(), w.signal.clone())).collect()
}

#[test]
fn rule_finds_the_class_of_combined_and_plain_codes() {
    let rule = mss();
    assert_eq!(rule.class_of("2+/-"), Some("2"));
    assert_eq!(rule.class_of("4"), Some("4"));
    assert_eq!(rule.class_of("5+"), None);
    assert!(rule.is_attention("2-") && !rule.is_attention("2+/-"));
    // The longest class wins: dynamics codes "+" and "+/-" share a prefix.
    let dynamics = AttentionRule::new(["+", "+/-", "-"], ["-"]).unwrap();
    assert_eq!(dynamics.class_of("+/-"), Some("+/-"));
    assert_eq!(dynamics.class_of("+"), Some("+"));
}

#[test]
fn rule_rejects_bad_configurations() {
    let none: [&str; 0] = [];
    assert_eq!(AttentionRule::new(none, ["1"]), Err(RuleError::NoClasses));
    assert_eq!(AttentionRule::new(["1", "1"], none), Err(RuleError::DuplicateClass("1".into())));
    assert_eq!(AttentionRule::new(["1", ""], none), Err(RuleError::EmptyCode));
    assert_eq!(AttentionRule::new(["1"], [""]), Err(RuleError::EmptyCode));
    assert_eq!(AttentionRule::new(["1", "2"], ["3-"]), Err(RuleError::CodeWithoutClass("3-".into())));
}

#[test]
fn compare_reports_every_kind_of_change_most_urgent_first() {
    let before = ed(&[
        ("enters", Some("2+/-")),
        ("enters-worse", Some("2+/-")),
        ("worse-2", Some("1+/-")),
        ("worse-1", Some("1+/-")),
        ("leaves", Some("3+/-")),
        ("better", Some("2+/-")),
        ("lost", Some("4+/-")),
        ("dropped", Some("2+/-")),
        ("back", None),
        ("back-attention", None),
        ("same", Some("2+")),
        ("never", None),
    ]);
    let after = ed(&[
        ("enters", Some("2-")),
        ("enters-worse", Some("3+/-")),
        ("worse-2", Some("3+/-")),
        ("worse-1", Some("2+")),
        ("leaves", Some("2+/-")),
        ("better", Some("1-")),
        ("lost", None),
        ("back", Some("2+")),
        ("back-attention", Some("4-")),
        ("same", Some("2+")),
        ("never", None),
        ("new", None),
    ]);
    let w = compare(&before, &after, &mss()).unwrap();
    let worse = |from: &str, to: &str, steps| Signal::Worsened { from: from.into(), to: to.into(), steps };
    let better = |from: &str, to: &str, steps| Signal::Improved { from: from.into(), to: to.into(), steps };
    assert_eq!(
        signals(&w),
        vec![
            ("back-attention", Signal::Included { attention: true }),
            ("enters", Signal::EnteredAttention),
            ("enters-worse", Signal::EnteredAttention),
            ("worse-2", Signal::EnteredAttention),
            ("worse-2", worse("1", "3", 2)),
            ("enters-worse", worse("2", "3", 1)),
            ("worse-1", worse("1", "2", 1)),
            ("lost", Signal::Excluded { was_attention: true }),
            ("leaves", Signal::LeftAttention),
            ("better", better("2", "1", 1)),
            ("leaves", better("3", "2", 1)),
            ("back", Signal::Included { attention: false }),
            ("dropped", Signal::Excluded { was_attention: false }),
        ]
    );
    let lost = w.iter().find(|w| w.area.as_str() == "lost").unwrap();
    assert_eq!((&lost.before, &lost.after), (&Standing::Classified("4+/-".into()), &Standing::Excluded));
    let dropped = w.iter().find(|w| w.area.as_str() == "dropped").unwrap();
    assert_eq!(dropped.after, Standing::Absent);
    let back = w.iter().find(|w| w.area.as_str() == "back").unwrap();
    assert_eq!((back.before.code(), back.after.code()), (None, Some("2+")));
}

#[test]
fn compare_of_empty_or_identical_editions_warns_of_nothing() {
    let none: Vec<(AreaKey, Option<String>)> = Vec::new();
    assert_eq!(compare(&none, &none, &mss()).unwrap(), vec![]);
    let same = ed(&[("a", Some("4-")), ("b", None)]);
    assert_eq!(compare(&same, &same, &mss()).unwrap(), vec![]);
}

#[test]
fn compare_rejects_duplicate_areas_and_unknown_codes() {
    let ok = ed(&[("a", Some("1+"))]);
    assert_eq!(
        compare(&ok, &ed(&[("a", Some("1+")), ("a", None)]), &mss()),
        Err(CompareError::DuplicateArea { area: key("a"), side: Side::After })
    );
    let err = compare(&ed(&[("a", Some("9+"))]), &ok, &mss()).unwrap_err();
    assert_eq!(err, CompareError::UnknownCode { area: key("a"), code: "9+".into(), side: Side::Before });
    assert_eq!(err.to_string(), "area a has code \"9+\" in the earlier edition, which belongs to none of the classes");
}

#[test]
fn dates_are_read_strictly() {
    assert_eq!("2024-02-29".parse::<Datum>().unwrap(), Datum::new(2024, 2, 29).unwrap());
    assert_eq!("2026-11-26".parse::<Datum>().unwrap().to_string(), "2026-11-26");
    for bad in [
        "2023-02-29",
        "2026-13-01",
        "2026-00-10",
        "2026-04-31",
        "26-11-26",
        "2026-1-26",
        "2026-11-26x",
        "",
        "+026-11-26",
        "2026-11-26-01",
    ] {
        assert_eq!(bad.parse::<Datum>(), Err(DatumError(bad.into())), "{bad}");
    }
    assert_eq!(Datum::new(1900, 2, 29), None);
    assert!(Datum::new(2000, 2, 29).is_some());
    assert!(Datum::new(2025, 12, 31).unwrap() < Datum::new(2026, 1, 1).unwrap());
}

fn event(edition: &str, action: ReviewAction, date: &str) -> ReviewEvent {
    ReviewEvent::new(edition, action, "A. Muster", "Ortskenntnis", date).unwrap()
}

#[test]
fn a_proposal_is_confirmed_or_rejected_and_can_be_proposed_again_later() {
    use ReviewAction::*;
    let mut review = Review::default();
    assert_eq!((review.state(), review.state().last_action()), (ReviewState::NotProposed, None));
    let state = review.apply(event("2019", Propose, "2020-03-01")).unwrap();
    assert!(matches!(state, ReviewState::Proposed { edition: Period::Year(2019), .. }));
    let state = review.apply(event("2019", Confirm, "2020-03-01")).unwrap();
    let ReviewState::Confirmed { edition, proposal, decision } = state else { panic!("{state:?}") };
    assert_eq!(
        (edition, proposal.date.to_string(), decision.by.as_str()),
        (Period::Year(2019), "2020-03-01".into(), "A. Muster")
    );
    review.apply(event("2021", Propose, "2022-01-10")).unwrap();
    review.apply(event("2021", Reject, "2022-02-01")).unwrap();
    assert_eq!(review.state().last_action(), Some(Reject));
    review.apply(event("2023", Propose, "2024-01-10")).unwrap();
    assert_eq!(review.history().len(), 5);
    assert_eq!(review.state().edition(), Some(Period::Year(2023)));
    // The state is the fold of the history: replaying it gives the same.
    assert_eq!(Review::from_events(review.history().to_vec()).unwrap(), review);
}

#[test]
fn forbidden_steps_are_errors_and_leave_the_history_unchanged() {
    use ReviewAction::*;
    let mut review = Review::default();
    assert_eq!(review.apply(event("2019", Confirm, "2020-01-01")), Err(ReviewError::NotProposed));
    assert_eq!(review.apply(event("2019", Reject, "2020-01-01")), Err(ReviewError::NotProposed));
    review.apply(event("2019", Propose, "2020-03-01")).unwrap();
    let proposed = review.clone();
    assert_eq!(
        review.apply(event("2021", Propose, "2020-03-02")),
        Err(ReviewError::AlreadyProposed { edition: Period::Year(2019) })
    );
    let early = review.apply(event("2019", Confirm, "2020-02-28")).unwrap_err();
    assert_eq!(early.to_string(), "date 2020-02-28 precedes the previous step of 2020-03-01");
    assert_eq!(
        review.apply(event("2021", Confirm, "2020-03-02")),
        Err(ReviewError::OtherEdition { edition: Period::Year(2021), proposed: Period::Year(2019) })
    );
    let silent = ReviewEvent::new("2019", Confirm, "A. Muster", "  ", "2020-03-02").unwrap();
    assert_eq!(review.apply(silent.clone()), Err(ReviewError::NoComment));
    let blank = ReviewEvent { step: Step { comment: " \n".into(), ..silent.step }, ..silent };
    assert_eq!(review.apply(blank), Err(ReviewError::NoComment));
    assert_eq!(review, proposed);
    review.apply(event("2019", Reject, "2020-03-02")).unwrap();
    let err = review.apply(event("2019", Confirm, "2020-03-03")).unwrap_err();
    assert_eq!(err, ReviewError::AlreadyDecided { edition: Period::Year(2019), decision: Reject });
    assert_eq!(
        err.to_string(),
        "the proposal for edition 2019 is already rejected; propose the area again in a later edition"
    );
    assert_eq!(
        review.apply(event("2019", Propose, "2020-03-03")),
        Err(ReviewError::EditionNotLater { edition: Period::Year(2019), decided: Period::Year(2019) })
    );
    assert_eq!(review.history().len(), 2);
    // A stored history with a forbidden step is refused as a whole.
    let bad = vec![event("2019", Propose, "2020-01-01"), event("2019", Propose, "2020-01-02")];
    assert!(Review::from_events(bad).is_err());
}

#[test]
fn review_events_are_read_from_user_text() {
    use ReviewAction::*;
    assert_eq!(ReviewEvent::new("2019", Propose, "  ", "", "2020-01-01"), Err(ReviewError::Unnamed));
    assert!(matches!(ReviewEvent::new("2019", Propose, "X", "", "2020-02-30"), Err(ReviewError::Datum(_))));
    assert_eq!(ReviewEvent::new("MSS", Propose, "X", "", "2020-01-01"), Err(ReviewError::Edition("MSS".into())));
    let e = ReviewEvent::new("2024/25", Propose, " Dr. B. Beispiel ", " Hinweis ", "2025-01-01").unwrap();
    assert_eq!(
        (e.edition, e.step.by.as_str(), e.step.comment.as_str()),
        (Period::SchoolYear(2024), "Dr. B. Beispiel", "Hinweis")
    );
    for action in [Propose, Confirm, Reject] {
        assert_eq!(action.as_str().parse::<ReviewAction>(), Ok(action));
    }
    assert_eq!("done".parse::<ReviewAction>(), Err(ReviewError::UnknownAction("done".into())));
}
