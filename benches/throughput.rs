//! Throughput of the engine on the faults-only benchmark fleet (1,000,000 devices), in
//! device-years per second, against a hand-written loop of the same model.
//!
//! `cargo bench --bench throughput`. Groups: one replication on one thread (ECS vs loop, the
//! ratio of the two is the ECS overhead), and ten replications on two threads through the
//! whole experiment (world building, ledger and all), at horizons of 1 and 10 years; and the
//! liability step alone (sorting and settling one replication's harms), which the ECS runs
//! include and the hand loop does not.

use std::path::Path;
use std::sync::Arc;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;

use fleetsim::experiment::{self, Ledger, RunConfig};
use fleetsim::outcome::Layout;
use fleetsim::reference;
use fleetsim::scenario::{self, Scenario};
use fleetsim::sim::Replicator;

fn bench_scenario(years: u32, replications: u32) -> Arc<Scenario> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/bench_faults.toml");
    let mut s = match scenario::load(&path) {
        Ok(l) => l.scenario,
        Err(e) => panic!("benchmark scenario: {e}"),
    };
    s.horizon_years = years;
    s.replications = replications;
    Arc::new(s)
}

fn one_thread(c: &mut Criterion) {
    let mut g = c.benchmark_group("faults_1M_one_replication_1_thread");
    g.sample_size(10);
    for years in [1u32, 10] {
        let s = bench_scenario(years, 1);
        let layout = Layout::new(&s);
        g.throughput(Throughput::Elements(s.device_count() * u64::from(years)));
        let mut world = Replicator::new(Arc::clone(&s));
        let mut buffer = Ledger::buffer(&s);
        let mut rep = 0;
        g.bench_with_input(
            BenchmarkId::new("ecs", format!("{years}y")),
            &years,
            |b, _| {
                b.iter(|| {
                    rep += 1;
                    let mut ledger = Ledger::new(&s, &layout, rep, false, &mut buffer);
                    let output = world.run(rep, &mut |h| ledger.add(h));
                    ledger.finish(output)
                })
            },
        );
        let mut rep = 0;
        g.bench_with_input(
            BenchmarkId::new("hand_loop", format!("{years}y")),
            &years,
            |b, _| {
                b.iter(|| {
                    rep += 1;
                    reference::run(&s, rep)
                })
            },
        );
    }
    g.finish();
}

fn two_threads(c: &mut Criterion) {
    let mut g = c.benchmark_group("faults_1M_ten_replications_2_threads");
    g.sample_size(10);
    for years in [1u32, 10] {
        let s = bench_scenario(years, 10);
        let layout = Layout::new(&s);
        g.throughput(Throughput::Elements(
            s.device_count() * u64::from(years) * 10,
        ));
        let config = RunConfig {
            threads: 2,
            keep_elt: false,
        };
        g.bench_with_input(
            BenchmarkId::new("ecs_experiment", format!("{years}y")),
            &years,
            |b, _| b.iter(|| experiment::run(&s, &config, &layout, &|| {})),
        );
        let pool = match rayon::ThreadPoolBuilder::new().num_threads(2).build() {
            Ok(p) => p,
            Err(e) => panic!("thread pool: {e}"),
        };
        g.bench_with_input(
            BenchmarkId::new("hand_loop", format!("{years}y")),
            &years,
            |b, _| {
                b.iter(|| {
                    pool.install(|| {
                        (0..10)
                            .into_par_iter()
                            .map(|r| reference::run(&s, r))
                            .collect::<Vec<_>>()
                    })
                })
            },
        );
    }
    g.finish();
}

fn settlement(c: &mut Criterion) {
    let mut g = c.benchmark_group("faults_1M_settle_one_replication");
    g.sample_size(10);
    for years in [1u32, 10] {
        let s = bench_scenario(years, 1);
        let layout = Layout::new(&s);
        let mut world = Replicator::new(Arc::clone(&s));
        let mut harms = Vec::new();
        world.run(1, &mut |h| harms.extend_from_slice(h));
        g.throughput(Throughput::Elements(harms.len() as u64));
        g.bench_with_input(
            BenchmarkId::new("settle_harms", format!("{years}y")),
            &years,
            |b, _| {
                b.iter_batched(
                    || harms.clone(),
                    |mut h| fleetsim::liability::settle(&s, &layout, 1, &mut h, &[], false),
                    BatchSize::LargeInput,
                )
            },
        );
    }
    g.finish();
}

criterion_group!(benches, one_thread, two_threads, settlement);
criterion_main!(benches);
