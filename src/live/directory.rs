//! The directory objects a run looked up, indexed by the names manifests
//! use (group name, user login, zone name, app label, IdP name, user type
//! name, hook name, server name) so resolution is a map look-up, and by ID
//! so plans can show names instead of IDs.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::client::wire::{
    Application, AuthorizationServer, Group, IdentityProvider, InlineHook, NetworkZone, User,
    UserType,
};
use crate::desired::references::Collection;

/// An object as resolution sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    /// The name manifests use.
    pub name: String,
}

/// Names → IDs per collection, for the collections that were read.
#[derive(Debug, Clone, Default)]
pub struct DirectoryIndex {
    /// Each collection's objects by their primary name.
    entries: BTreeMap<Collection, Vec<Entry>>,
    /// The objects each name or alias (a user type's display name, an OAuth
    /// client's ID) designates, by ID, without repeats.
    by_name: HashMap<(Collection, String), Vec<Entry>>,
    names_by_id: HashMap<String, String>,
}

impl DirectoryIndex {
    /// Whether a collection was read.
    pub fn has(&self, collection: Collection) -> bool {
        self.entries.contains_key(&collection)
    }

    /// Every object of a collection, when it was read.
    pub fn entries(&self, collection: Collection) -> &[Entry] {
        self.entries.get(&collection).map_or(&[], Vec::as_slice)
    }

    /// The objects a name (or alias) designates, by ID.
    pub fn lookup(&self, collection: Collection, name: &str) -> &[Entry] {
        self.by_name
            .get(&(collection, name.to_owned()))
            .map_or(&[], Vec::as_slice)
    }

    /// The name of an object by ID, when it was read.
    pub fn name_of(&self, id: &str) -> Option<&str> {
        self.names_by_id.get(id).map(String::as_str)
    }

    /// Adds a collection's objects (each collection once).
    pub fn add(&mut self, collection: Collection, entries: Vec<Entry>, aliases: Vec<Entry>) {
        for entry in &entries {
            self.names_by_id
                .entry(entry.id.clone())
                .or_insert_with(|| entry.name.clone());
        }
        for entry in entries.iter().chain(&aliases) {
            let found = self
                .by_name
                .entry((collection, entry.name.clone()))
                .or_default();
            if let Err(at) = found.binary_search_by(|e| e.id.cmp(&entry.id)) {
                found.insert(at, entry.clone());
            }
        }
        self.entries.entry(collection).or_default().extend(entries);
    }

    pub fn add_groups(&mut self, groups: &[Group]) {
        let entries = groups
            .iter()
            .filter_map(|g| entry(&g.id, g.profile.as_ref().and_then(|p| p.name.as_ref())))
            .collect();
        self.add(Collection::Groups, entries, Vec::new());
    }

    /// Users found by login (the ones that exist).
    pub fn add_users(&mut self, users: &[User]) {
        let entries = users
            .iter()
            .filter_map(|u| entry(&u.id, u.profile.as_ref().and_then(|p| p.login.as_ref())))
            .collect();
        self.add(Collection::Users, entries, Vec::new());
    }

    pub fn add_zones(&mut self, zones: &[NetworkZone]) {
        let entries = zones
            .iter()
            .filter_map(|z| entry(&z.id, z.name.as_ref()))
            .collect();
        self.add(Collection::Zones, entries, Vec::new());
    }

    /// Apps by label, and OAuth clients by label or client ID (an OIDC
    /// app's client ID, else its app ID).
    pub fn add_apps(&mut self, apps: &[Application]) {
        let entries: Vec<Entry> = apps
            .iter()
            .filter_map(|a| entry(&a.id, a.label.as_ref()))
            .collect();
        let mut clients = Vec::new();
        let mut client_ids = Vec::new();
        for app in apps {
            let client_id = app
                .other
                .get("credentials")
                .and_then(|c| c.get("oauthClient"))
                .and_then(|c| c.get("client_id"))
                .and_then(Value::as_str)
                .map(str::to_owned)
                .or_else(|| app.id.clone());
            let Some(client_id) = client_id else { continue };
            if let Some(label) = &app.label {
                clients.push(Entry {
                    id: client_id.clone(),
                    name: label.clone(),
                });
            }
            client_ids.push(Entry {
                id: client_id.clone(),
                name: client_id,
            });
        }
        self.add(Collection::Apps, entries, Vec::new());
        self.add(Collection::Clients, clients, client_ids);
    }

    pub fn add_idps(&mut self, idps: &[IdentityProvider]) {
        let entries = idps
            .iter()
            .filter_map(|i| entry(&i.id, i.name.as_ref()))
            .collect();
        self.add(Collection::Idps, entries, Vec::new());
    }

    /// User types by name, and by display name as an alias.
    pub fn add_user_types(&mut self, types: &[UserType]) {
        let entries = types
            .iter()
            .filter_map(|t| entry(&t.id, t.name.as_ref()))
            .collect();
        let aliases = types
            .iter()
            .filter(|t| t.display_name != t.name)
            .filter_map(|t| entry(&t.id, t.display_name.as_ref()))
            .collect();
        self.add(Collection::UserTypes, entries, aliases);
    }

    pub fn add_hooks(&mut self, hooks: &[InlineHook]) {
        let entries = hooks
            .iter()
            .filter_map(|h| entry(&h.id, h.name.as_ref()))
            .collect();
        self.add(Collection::InlineHooks, entries, Vec::new());
    }

    pub fn add_servers(&mut self, servers: &[AuthorizationServer]) {
        let entries = servers
            .iter()
            .filter_map(|s| entry(&s.id, s.name.as_ref()))
            .collect();
        self.add(Collection::AuthServers, entries, Vec::new());
    }
}

fn entry(id: &Option<String>, name: Option<&String>) -> Option<Entry> {
    Some(Entry {
        id: id.clone()?,
        name: name?.clone(),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn finds_by_name_and_alias_and_reports_duplicates() {
        let apps: Vec<Application> = serde_json::from_value(json!([
            { "id": "0oa1", "label": "Portal" },
            { "id": "0oa2", "label": "Portal" },
            { "id": "0oa3", "label": "Wiki", "credentials": { "oauthClient": { "client_id": "wiki-client" } } }
        ]))
        .expect("apps");
        let mut index = DirectoryIndex::default();
        index.add_apps(&apps);
        assert_eq!(index.lookup(Collection::Apps, "Portal").len(), 2);
        assert_eq!(index.lookup(Collection::Apps, "Wiki")[0].id, "0oa3");
        assert_eq!(
            index.lookup(Collection::Clients, "Wiki")[0].id,
            "wiki-client"
        );
        assert_eq!(
            index.lookup(Collection::Clients, "wiki-client")[0].id,
            "wiki-client"
        );
        assert_eq!(index.lookup(Collection::Clients, "0oa1")[0].id, "0oa1");
        assert!(index.lookup(Collection::Apps, "Nope").is_empty());
        assert_eq!(index.name_of("0oa3"), Some("Wiki"));
    }
}
