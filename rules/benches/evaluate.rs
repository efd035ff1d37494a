//! `cargo bench -p portcheck-rules`: one evaluation of a typical answer set, and the whole
//! discrete answer space. Targets: one evaluation <= 50 us; the whole space < 1 s.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use portcheck_rules::space::discrete_answer_space;
use portcheck_rules::{evaluate, Answers};
use std::hint::black_box;
use std::time::Instant;

fn example(name: &str) -> Answers {
    let path = format!("{}/examples/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn one_evaluation(c: &mut Criterion) {
    // Warm the rule base cache: it is parsed once per process.
    evaluate(&Answers::default()).unwrap();
    for name in [
        "saas-aws-defaults",
        "saas-vsphere-proxy-connect",
        "edge-central-saas",
    ] {
        let answers = example(name);
        c.bench_function(&format!("evaluate/{name}"), |b| {
            b.iter(|| evaluate(black_box(&answers)).unwrap())
        });
    }
    // Peer: reading the same answers from their JSON file, the step every caller does first.
    let path = format!(
        "{}/examples/saas-vsphere-proxy-connect.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    c.bench_function("peer/parse-answers-json/saas-vsphere-proxy-connect", |b| {
        b.iter(|| serde_json::from_str::<Answers>(black_box(&text)).unwrap())
    });
}

fn whole_space(c: &mut Criterion) {
    let space = discrete_answer_space();
    let start = Instant::now();
    let ok = space.iter().filter(|a| evaluate(a).is_ok()).count();
    println!(
        "answer space: {} combinations ({ok} valid) evaluated in {:.3} s (single pass)",
        space.len(),
        start.elapsed().as_secs_f64()
    );
    let mut group = c.benchmark_group("space");
    group.sample_size(10);
    group.bench_function("all-discrete-combinations", |b| {
        b.iter_batched(
            || (),
            |_| {
                space
                    .iter()
                    .filter(|a| evaluate(black_box(a)).is_ok())
                    .count()
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, one_evaluation, whole_space);
criterion_main!(benches);
