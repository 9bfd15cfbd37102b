//! One module per mechanism, and the one ordered list of them. Each module owns its components
//! (the fault mechanisms' clocks, `ExploitDue`), its resources (`Vulns`, `Outbreak`), its systems
//! and its random streams, and a `MECHANISM` whose `register` adds them to a world's schedules;
//! adding a mechanism means its own file and one line in [`MECHANISMS`]. Components that several
//! systems share (a device's identity, life and breach state) stay in `sim::components`.
//!
//! The list's order is the order of the systems within each phase of each schedule (pinned by a
//! test below). Wear-out must come first among the yearly steps: a retirement voids the device's
//! later events of every kind, and the other mechanisms see it only once it is written. The rest
//! of the order changes no draw (every draw is keyed); it is the order the world has always run
//! in, kept so that results stay byte-identical.

pub mod botnet;
pub mod credentials;
pub mod data_theft;
pub mod drift;
pub mod faulty_update;
pub mod firmware;
pub mod installation;
pub mod mass_exploitation;
pub mod outage;
pub mod vulnerabilities;
pub mod wear_out;

use super::schedule::Mechanism;

/// Every mechanism, in the order their systems run.
pub const MECHANISMS: &[Mechanism] = &[
    wear_out::MECHANISM,
    firmware::MECHANISM,
    drift::MECHANISM,
    installation::MECHANISM,
    credentials::MECHANISM,
    vulnerabilities::MECHANISM,
    mass_exploitation::MECHANISM,
    data_theft::MECHANISM,
    botnet::MECHANISM,
    faulty_update::MECHANISM,
    outage::MECHANISM,
];

#[cfg(test)]
mod tests {
    use std::any::TypeId;

    use bevy_ecs::message::MessageRegistry;
    use bevy_ecs::prelude::*;
    use bevy_ecs::system::System;

    use super::*;
    use crate::sim::harm::{assess_harm, record_harm};
    use crate::sim::lifecycle::install_devices;
    use crate::sim::messages::{Breached, Harmed, Incident};
    use crate::sim::schedule::{Registrar, clear_messages};

    fn id<M>(system: impl IntoSystem<(), (), M>) -> TypeId {
        IntoSystem::into_system(system).system_type()
    }

    fn order(schedule: &mut Schedule, world: &mut World) -> Vec<TypeId> {
        if let Err(e) = schedule.initialize(world) {
            panic!("{e}");
        }
        match schedule.systems() {
            Ok(systems) => systems.map(|(_, s)| s.system_type()).collect(),
            Err(e) => panic!("{e}"),
        }
    }

    /// Every schedule's systems in the order they run: a result depends on it (wear-out first),
    /// so a change to the list or to a registration must show here.
    #[test]
    fn systems_run_in_the_order_of_the_list() {
        let mut world = World::new();
        MessageRegistry::register_message::<Incident>(&mut world);
        MessageRegistry::register_message::<Harmed>(&mut world);
        MessageRegistry::register_message::<Breached>(&mut world);
        let mut registrar = Registrar::new(&mut world);
        for mechanism in MECHANISMS {
            (mechanism.register)(&mut registrar);
        }
        let mut s = registrar.finish();
        let shared = [
            id(data_theft::steal_data),
            id(assess_harm),
            id(record_harm),
            id(clear_messages),
        ];
        let start = vec![
            id(install_devices),
            id(crate::sim::systemic::draw_events),
            id(credentials::set_security_posture),
            id(vulnerabilities::disclose_vulnerabilities),
            id(vulnerabilities::schedule_targeted_attacks),
            id(mass_exploitation::plan_exploitations),
            id(wear_out::start_wear_out),
            id(firmware::start_firmware),
            id(drift::start_drift),
            id(installation::decide_installations),
        ];
        assert_eq!(order(&mut s.start, &mut world), start);
        let mut step = vec![
            id(wear_out::fail_components),
            id(firmware::trigger_firmware_bugs),
            id(drift::detect_drift_excursions),
            id(installation::manifest_installation_errors),
            id(vulnerabilities::attack_exploitable_devices),
            id(mass_exploitation::exploit_en_masse),
            id(data_theft::breach_backends),
            id(faulty_update::push_faulty_updates),
            id(outage::cut_off_backends),
        ];
        step.extend(shared);
        assert_eq!(order(&mut s.step, &mut world), step);
        let outbreak_start = vec![id(botnet::seed_outbreak)];
        assert_eq!(order(&mut s.outbreak_start, &mut world), outbreak_start);
        let mut outbreak_step = vec![
            id(botnet::regroup_exploitable),
            id(botnet::clear_infections),
            id(botnet::recruit_bots),
            id(botnet::spread_outside_fleet),
            id(botnet::launch_ddos_attacks),
            id(botnet::advance_outbreak),
        ];
        outbreak_step.extend(shared);
        assert_eq!(order(&mut s.outbreak_step, &mut world), outbreak_step);
    }
}
