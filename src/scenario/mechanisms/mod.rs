//! The mechanisms of a scenario, one file each, named as their simulation in `sim/mechanisms/`:
//! each holds its raw TOML shape, its typed parameters, its `check` (raw → typed, every problem
//! reported) and its expected incidents for the memory estimate. A class's check
//! ([`class::check`](super::class::check)) calls each in turn; the botnet, the faulty update and
//! the outage are kinds of systemic event, checked with their `[[event_source]]`.

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

pub use botnet::{Botnet, Ddos, RawBotnet, RawDdos};
pub use credentials::{RawSecurity, Security};
pub use data_theft::{DataTheft, RawDataTheft, RawRecords, RecordSize};
pub use drift::{DriftModel, RawSensorDrift, SensorDrift, exit_time_cdf};
pub use faulty_update::{FaultyUpdate, RawFaultyUpdate, RawUpdateHarm};
pub use firmware::{FirmwareBug, Fix, RawFirmwareBug, RawFix};
pub use installation::{InstallationError, RawInstallationError};
pub use mass_exploitation::{MassExploitation, RawMassExploitation};
pub use outage::{Outage, RawOutage};
pub use vulnerabilities::{RawVulnerabilities, Vulnerabilities};
pub use wear_out::{RawWearOut, WearOut};
