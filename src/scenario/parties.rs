//! The supply chain: `[[party]]` (the legal persons, read into the [`Parties`] that names
//! resolve against), and each class's lineage (which party fills each role, and its installers
//! with their shares) and components with their suppliers.

use schemars::JsonSchema;
use serde::Deserialize;

use super::check::{Checker, Parties, Resolver};
use super::kinds::{Component, Lineage, PartyId, Role};
use super::path::FieldPath;

/// `[[party]]`: one legal person of the chain.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawParty {
    /// Unique name, used by lineages.
    pub name: String,
    /// Role in the supply chain.
    #[schemars(with = "Role")]
    pub role: String,
    /// Capacity to pay per year, in the scenario currency (used by the liability issue).
    #[serde(default)]
    pub capacity: Option<f64>,
    /// Annual worldwide turnover, the base of turnover-linked fines.
    #[serde(default)]
    pub turnover: Option<f64>,
    /// Established outside the jurisdiction: victims cannot collect from it directly (default
    /// false).
    #[serde(default)]
    pub outside_jurisdiction: Option<bool>,
}

/// `[device_class.lineage]`: party names by role. Roles left out are simply absent.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawLineage {
    /// Brand owner that places the device on the market.
    pub manufacturer: Option<String>,
    /// Contract assembler.
    pub assembler: Option<String>,
    /// Importer into the jurisdiction.
    pub importer: Option<String>,
    /// Wholesaler or vendor.
    pub distributor: Option<String>,
    /// Author of the device software.
    pub software_vendor: Option<String>,
    /// Network operator that connects the device.
    pub network_operator: Option<String>,
    /// Operator or user of the device.
    pub operator: Option<String>,
    /// The one installer of every device (shorthand for `installers` with one entry).
    pub installer: Option<String>,
    /// Installers sharing the installs; shares must add up to 1.
    pub installers: Option<Vec<RawInstallerShare>>,
}

/// One installer and its share of the installs.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawInstallerShare {
    /// Party name (role `installer`).
    pub party: String,
    /// Share of the class's devices it installs, in (0, 1].
    pub share: f64,
}

/// `[[device_class.component]]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawComponent {
    /// Component name, unique within the class.
    pub name: String,
    /// Supplier party (role `component_supplier`).
    pub supplier: String,
}

/// A legal person of the chain.
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    pub name: String,
    pub role: Role,
    /// Money the party can pay from its own funds in a year; `None`: unlimited.
    pub capacity: Option<f64>,
    /// Annual worldwide turnover, the base of turnover-linked fines.
    pub turnover: Option<f64>,
    /// Established outside the jurisdiction: victims cannot collect from it directly.
    pub outside_jurisdiction: bool,
}

/// Checks `[[party]]`: the typed parties, and the names and roles that later names resolve
/// against.
pub fn check<'a>(
    ck: &mut Checker,
    path: &FieldPath,
    list: &'a [RawParty],
) -> (Vec<Party>, Parties<'a>) {
    let mut parties = Vec::new();
    let mut known = Parties::default();
    for (i, p) in list.iter().enumerate() {
        let pp = path.index(i);
        if p.name.trim().is_empty() {
            ck.report(
                &pp.key("name"),
                "found an empty name, expected a party name",
            );
        }
        known.names.push(&p.name);
        if known.index.contains_key(p.name.as_str()) {
            ck.report(
                &pp.key("name"),
                format!(
                    "found \"{}\" again, expected party names to be unique",
                    p.name
                ),
            );
        } else {
            known.index.insert(&p.name, parties.len() as PartyId);
        }
        let role = ck.parse(&pp.key("role"), &p.role, Role::parse, Role::expected);
        known.roles.push(role);
        if let Some(c) = p.capacity {
            ck.positive(&pp.key("capacity"), c, "money per year");
        }
        if let Some(t) = p.turnover {
            ck.positive(&pp.key("turnover"), t, "money per year");
        }
        parties.push(Party {
            name: p.name.clone(),
            role: role.unwrap_or(Role::Operator),
            capacity: p.capacity,
            turnover: p.turnover,
            outside_jurisdiction: p.outside_jurisdiction.unwrap_or(false),
        });
    }
    if list.len() > usize::from(PartyId::MAX) {
        ck.report(
            path,
            format!(
                "found {} parties, expected at most {}",
                list.len(),
                PartyId::MAX
            ),
        );
    }
    (parties, known)
}

/// Checks a class's lineage: the party of each role it names, and its installers. Returns the
/// lineage and the roles it names, even where a name did not resolve (reported here, and so
/// not again by a fault whose root cause is that role).
pub fn lineage(
    ck: &mut Checker,
    resolver: &Resolver,
    lp: &FieldPath,
    l: &RawLineage,
) -> (Lineage, Vec<Role>) {
    let mut lineage = Lineage::default();
    let single: [(&str, &Option<String>, Role); 7] = [
        ("manufacturer", &l.manufacturer, Role::Manufacturer),
        ("assembler", &l.assembler, Role::Assembler),
        ("importer", &l.importer, Role::Importer),
        ("distributor", &l.distributor, Role::Distributor),
        ("software_vendor", &l.software_vendor, Role::SoftwareVendor),
        (
            "network_operator",
            &l.network_operator,
            Role::NetworkOperator,
        ),
        ("operator", &l.operator, Role::Operator),
    ];
    let mut named: Vec<Role> = Vec::new();
    for (key, name, role) in single {
        if let Some(name) = name {
            named.push(role);
            if let Some(id) = resolver.party(ck, &lp.key(key), name, &[role]) {
                lineage.roles.push((role, id));
            }
        }
    }
    if l.installer.is_some() || l.installers.is_some() {
        named.push(Role::Installer);
    }
    lineage.installers = installers(ck, resolver, lp, l);
    (lineage, named)
}

/// A lineage's installers with their cumulative shares, the last exactly 1: `installer` (the
/// one installer of every device) or `installers` (shares adding up to 1), not both.
fn installers(
    ck: &mut Checker,
    resolver: &Resolver,
    lp: &FieldPath,
    l: &RawLineage,
) -> Vec<(PartyId, f64)> {
    let mut installers = Vec::new();
    match (&l.installer, &l.installers) {
        (Some(_), Some(_)) => ck.report(
            &lp.key("installers"),
            "found both installer and installers, expected one of them",
        ),
        (Some(name), None) => {
            if let Some(id) = resolver.party(ck, &lp.key("installer"), name, &[Role::Installer]) {
                installers.push((id, 1.0));
            }
        }
        (None, Some(list)) => {
            let mut cum = 0.0;
            for (i, s) in list.iter().enumerate() {
                let ip = lp.key("installers").index(i);
                let id = resolver.party(ck, &ip.key("party"), &s.party, &[Role::Installer]);
                if !(s.share > 0.0 && s.share <= 1.0) {
                    ck.report(
                        &ip.key("share"),
                        format!("found {}, expected a share in (0, 1]", s.share),
                    );
                }
                cum += s.share;
                if let Some(id) = id {
                    installers.push((id, cum));
                }
            }
            if list.is_empty() {
                ck.report(
                    &lp.key("installers"),
                    "found an empty list, expected at least one installer",
                );
            } else if (cum - 1.0).abs() > 1e-9 {
                ck.report(
                    &lp.key("installers"),
                    format!("found shares adding up to {cum}, expected 1"),
                );
            }
            if let Some(last) = installers.last_mut() {
                last.1 = 1.0;
            }
        }
        (None, None) => {}
    }
    installers
}

/// Checks a class's components: unique names, and suppliers that can supply.
pub fn components(
    ck: &mut Checker,
    resolver: &Resolver,
    path: &FieldPath,
    list: &[RawComponent],
) -> Vec<Component> {
    let mut components: Vec<Component> = Vec::new();
    for (i, comp) in list.iter().enumerate() {
        let pp = path.index(i);
        if components.iter().any(|k| k.name == comp.name) {
            ck.report(
                &pp.key("name"),
                format!(
                    "found \"{}\" again, expected unique component names",
                    comp.name
                ),
            );
        }
        let supplier = resolver.party(
            ck,
            &pp.key("supplier"),
            &comp.supplier,
            &[Role::ComponentSupplier, Role::Manufacturer, Role::Assembler],
        );
        components.push(Component {
            name: comp.name.clone(),
            supplier: supplier.unwrap_or(0),
        });
    }
    components
}
