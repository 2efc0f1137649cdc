//! What the app remembers between runs: the interface language and the user's own name and
//! numbers. Kept in a small JSON file in the user's configuration folder, never anywhere else.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::text::Lang;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    /// None follows the system's language.
    pub lang: Option<Lang>,
    pub mine: Vec<String>,
}

#[derive(Serialize, Deserialize, Default)]
struct OnDisk {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    language: Option<String>,
    #[serde(default)]
    my_identifiers: Vec<String>,
}

pub fn default_path() -> Option<PathBuf> {
    dirs::config_dir().map(|dir| dir.join("caviar").join("settings.json"))
}

impl Settings {
    /// The saved settings; a missing or unreadable file gives the defaults (the app must open
    /// whatever state the file is in).
    pub fn load(path: &Path) -> Settings {
        let on_disk: OnDisk = std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        Settings {
            lang: match on_disk.language.as_deref() {
                Some("fr") => Some(Lang::Fr),
                Some("en") => Some(Lang::En),
                _ => None,
            },
            mine: on_disk.my_identifiers,
        }
    }

    pub fn save(&self, path: &Path) -> Result<(), String> {
        let on_disk = OnDisk {
            language: self.lang.map(|lang| {
                match lang {
                    Lang::Fr => "fr",
                    Lang::En => "en",
                }
                .to_string()
            }),
            my_identifiers: self.mine.clone(),
        };
        let bytes = serde_json::to_vec_pretty(&on_disk).map_err(|e| e.to_string())?;
        crate::batch::write_atomically(path, &bytes).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_come_back_as_saved_and_a_damaged_file_gives_defaults() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("caviar").join("settings.json");
        let settings = Settings {
            lang: Some(Lang::Fr),
            mine: vec!["Jeanne Dupont".into(), "06 12 34 56 78".into()],
        };
        settings.save(&path).unwrap();
        assert_eq!(Settings::load(&path), settings);
        std::fs::write(&path, b"{not json").unwrap();
        assert_eq!(Settings::load(&path), Settings::default());
    }
}
