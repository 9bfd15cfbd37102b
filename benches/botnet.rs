//! The outbreak benchmark: one replication of a 30-day Mirai-like outbreak over 1,000,000
//! devices (`benches/bench_botnet.toml`). Throughput is in device-days per second; the state
//! changes of one replication (recruitments, reboots, clean-ups) are printed once so that the
//! time per change can be read off.
//!
//! `cargo bench --bench botnet`.

use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use fleetsim::scenario;
use fleetsim::sim::Replicator;

fn outbreak(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/bench_botnet.toml");
    let s = match scenario::load(&path) {
        Ok(l) => Arc::new(l.scenario),
        Err(e) => panic!("benchmark scenario: {e}"),
    };
    let mut world = Replicator::new(Arc::clone(&s));
    let series = world.run(0, &mut |_| {}).botnet;
    if let Some(last) = series.last() {
        let changes = last.recruited + last.rebooted + last.cleaned;
        eprintln!(
            "one replication: {} recruitments ({} reinfections), {} reboots, {} clean-ups: {changes} state changes; peak fleet bots {}",
            last.recruited,
            last.reinfected,
            last.rebooted,
            last.cleaned,
            series.iter().map(|x| x.fleet_infected).max().unwrap_or(0)
        );
    }
    let days = s
        .events
        .iter()
        .find_map(|e| e.botnet())
        .map_or(0.0, |b| b.duration_days);
    let mut g = c.benchmark_group("botnet_1M_30_days");
    g.sample_size(10);
    g.throughput(Throughput::Elements(
        (s.device_count() as f64 * days) as u64,
    ));
    let mut rep = 0;
    g.bench_function("one_replication", |b| {
        b.iter(|| {
            rep += 1;
            world.run(rep, &mut |_| {})
        })
    });
    g.finish();
}

criterion_group!(benches, outbreak);
criterion_main!(benches);
