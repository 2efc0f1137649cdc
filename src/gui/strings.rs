//! Every word the app shows, in English and French, in one table: a translator reads and edits
//! this file alone, and a string missing in one language cannot compile.
//! `{}` marks where a value goes, filled in order by [`Say::with`].

use crate::text::Lang;

macro_rules! table {
    ($($key:ident => $en:expr, $fr:expr;)*) => {
        /// A sentence or label of the interface.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Say { $($key),* }

        impl Say {
            pub const ALL: &'static [Say] = &[$(Say::$key),*];

            pub fn get(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Say::$key, Lang::En) => $en, (Say::$key, Lang::Fr) => $fr,)*
                }
            }
        }
    };
}

table! {
    AppTitle => "Caviar — share a scan, not who you are", "Caviar — partagez l’image, pas votre identité";
    Open => "Open…", "Ouvrir…";
    OpenHint => "Open files (Ctrl+O)", "Ouvrir des fichiers (Ctrl+O)";
    DropHere => "Drop a scan, a photo or a folder here", "Déposez ici une image, une photo ou un dossier";
    Private => "Everything happens on this computer: nothing is sent anywhere.", "Tout se passe sur cet ordinateur : rien n’est envoyé nulle part.";
    DropOr => "or use Open… (Ctrl+O)", "ou utilisez Ouvrir… (Ctrl+O)";
    NoDialog => "No file was chosen. If no dialog appeared, this desktop has no file chooser (xdg-desktop-portal): drop files onto the window instead.", "Aucun fichier choisi. Si aucune fenêtre ne s’est ouverte, ce bureau n’a pas de sélecteur de fichiers (xdg-desktop-portal) : déposez les fichiers sur la fenêtre.";
    NothingInside => "There is no file in what was dropped.", "Il n’y a aucun fichier dans ce qui a été déposé.";
    Files => "Files", "Fichiers";
    Opening => "opening…", "ouverture…";
    Analysing => "looking for what identifies…", "recherche de ce qui identifie…";
    FindingsCount => "{} to remove", "{} à retirer";
    NothingFound => "nothing identifying", "rien d’identifiant";
    CannotClean => "cannot be made clean", "impossible à nettoyer";
    ErrorPrefix => "error: {}", "erreur : {}";
    Progress => "{} of {} ready", "{} sur {} prêts";
    Cancel => "Cancel", "Annuler";
    Cancelled => "Stopped: files not yet analysed are left out.", "Arrêté : les fichiers pas encore analysés sont laissés de côté.";
    Stopped => "stopped before it was analysed", "arrêté avant l’analyse";
    Profile => "For:", "Pour :";
    PatientPost => "Patient post", "Publication patient";
    TeachingCase => "Teaching case", "Cas d’enseignement";
    Advanced => "Advanced (DICOM options)", "Avancé (options DICOM)";
    Redaction => "Text in the image:", "Texte dans l’image :";
    FaceRedaction => "Faces:", "Visages :";
    EyesOnly => "Eyes only", "Yeux seulement";
    Blur => "Blur", "Flouter";
    Fill => "Fill", "Masquer";
    Language => "Language", "Langue";
    ExportPost => "Export for posting…", "Exporter pour publier…";
    ExportPostHint => "PNG or JPEG exactly as shown, with no metadata, and the cleaned caption (Ctrl+E)", "PNG ou JPEG tel qu’affiché, sans métadonnées, avec la légende nettoyée (Ctrl+E)";
    ExportDicom => "Export DICOM…", "Exporter en DICOM…";
    ExportDicomHint => "A de-identified DICOM file that still opens in any viewer", "Un fichier DICOM désidentifié qui s’ouvre dans toute visionneuse";
    ExportAll => "Export all…", "Tout exporter…";
    ExportAllHint => "Every file of the list, cleaned, into a folder", "Tous les fichiers de la liste, nettoyés, dans un dossier";
    Exporting => "Exporting…", "Export en cours…";
    VerdictClean => "exported, checked", "exporté, vérifié";
    VerdictNotWritten => "not written", "non écrit";
    ClosingAfterExport => "Closing once the files being exported are written…", "Fermeture dès que les fichiers en cours d’export sont écrits…";
    CheckedClean => "Checked: nothing identifying found in {}", "Vérifié : rien d’identifiant dans {}";
    NotClean => "Not written: {} still shows {}", "Non écrit : {} montre encore {}";
    ExportFailed => "Not written: {}: {}", "Non écrit : {} : {}";
    AllDone => "{} of {} files checked clean in {}", "{} fichiers sur {} vérifiés propres dans {}";
    CaptionWritten => "The cleaned caption is in {}", "La légende nettoyée est dans {}";
    Before => "Original", "Original";
    After => "As exported", "Tel qu’exporté";
    Preparing => "Preparing the exported view…", "Préparation de l’aperçu…";
    Frame => "Frame", "Image";
    WindowLevel => "Window {} / level {} (right-drag to change)", "Fenêtre {} / niveau {} (clic droit glissé pour changer)";
    ResetView => "Fit", "Ajuster";
    CanvasHelp => "Click a box to blur or keep it · drag to draw a new one · Delete removes yours · Ctrl+Z undoes · scroll zooms, middle-drag pans", "Cliquez une zone pour la flouter ou la garder · glissez pour en tracer une · Suppr efface la vôtre · Ctrl+Z annule · molette pour zoomer, clic milieu pour déplacer";
    Picture => "Picture", "Image";
    FindingsTitle => "What gives you away", "Ce qui vous identifie";
    GroupMetadata => "Hidden data in the file", "Données cachées dans le fichier";
    GroupPixels => "Text in the image", "Texte dans l’image";
    GroupCaption => "Caption", "Légende";
    NoneHere => "nothing here", "rien ici";
    AlwaysRemoved => "always removed", "toujours retiré";
    DrawnByYou => "area you drew", "zone tracée par vous";
    UnreadText => "text (unreadable)", "texte (illisible)";
    Unresolved => "Cannot be removed: {}", "Impossible à retirer : {}";
    OnlyYours => "Found text cannot be deleted, only kept or blurred: click it.", "Le texte trouvé ne peut pas être supprimé, seulement gardé ou flouté : cliquez dessus.";
    CaptionTitle => "Caption", "Légende";
    CaptionHint => "Type the text you will post with the picture", "Tapez le texte qui accompagnera l’image";
    CaptionClean => "Cleaned caption", "Légende nettoyée";
    Copy => "Copy", "Copier";
    Copied => "Cleaned caption copied.", "Légende nettoyée copiée.";
    Mine => "My name and numbers", "Mon nom et mes numéros";
    MineHint => "Names, phone or ID numbers to always hide; kept on this computer only", "Noms, téléphones ou numéros à toujours cacher ; gardés sur cet ordinateur seulement";
    Add => "Add", "Ajouter";
    Remove => "Remove {}", "Retirer {}";
    WouldOverwrite => "Not written: that would replace the original {}; choose another name.", "Non écrit : cela remplacerait l’original {} ; choisissez un autre nom.";
    NothingToExport => "Nothing to export yet: open a file first.", "Rien à exporter : ouvrez d’abord un fichier.";
    NotReady => "This file is not ready to export.", "Ce fichier n’est pas prêt à être exporté.";
    NotDicom => "Only a DICOM file can be exported as DICOM; use Export for posting.", "Seul un fichier DICOM peut être exporté en DICOM ; utilisez Exporter pour publier.";
    SettingsNotSaved => "Settings not saved: {}", "Réglages non enregistrés : {}";
    CatLocation => "Location: where the picture was taken or where someone lives", "Lieu : où la photo a été prise ou où quelqu’un habite";
    CatPlace => "Place: a city or a hospital that narrows down who this is", "Lieu : une ville ou un hôpital qui permet de deviner qui c’est";
    CatContact => "Contact: a way to reach someone", "Contact : un moyen de joindre quelqu’un";
    CatPerson => "Name of a person", "Nom d’une personne";
    CatDevice => "Device: the camera, phone or scanner and its serial numbers", "Appareil : l’appareil photo, le téléphone ou le scanner et leurs numéros de série";
    CatDate => "Date: when something happened", "Date : quand quelque chose s’est passé";
    CatPicture => "Hidden picture: a thumbnail or preview inside the file", "Image cachée : une miniature ou un aperçu dans le fichier";
    CatHistory => "History: editing history and links to other files", "Historique : modifications et liens vers d’autres fichiers";
    CatText => "Free text someone typed or a program wrote", "Texte libre saisi par quelqu’un ou écrit par un programme";
    CatIdentifier => "Identifier: a number that leads to a person or their records", "Identifiant : un numéro qui mène à une personne ou à son dossier";
    CatGraphics => "Graphics drawn over the picture, which can carry names", "Dessins superposés à l’image, qui peuvent porter des noms";
    CatUnknown => "Data Caviar does not understand, removed to be safe", "Données que Caviar ne comprend pas, retirées par prudence";
    CatOrientation => "Orientation: how the picture is turned (kept)", "Orientation : le sens de l’image (gardée)";
    CatColourProfile => "Colour profile: how colours are shown (kept)", "Profil de couleurs : le rendu des couleurs (gardé)";
    CatAnnotation => "Annotation: a marker or setting that names nobody (L/R, scale)", "Annotation : un repère ou un réglage qui ne nomme personne (G/D, échelle)";
    CatFace => "Face: anyone who knows this person recognises them", "Visage : quiconque connaît cette personne la reconnaît";
    FaceFound => "a face", "un visage";
}

impl Say {
    /// The sentence with each `{}` replaced by the next value.
    pub fn with(self, lang: Lang, values: &[&str]) -> String {
        let mut out = String::new();
        let mut values = values.iter();
        let mut parts = self.get(lang).split("{}").peekable();
        while let Some(part) = parts.next() {
            out.push_str(part);
            if parts.peek().is_some() {
                out.push_str(values.next().copied().unwrap_or(""));
            }
        }
        out
    }

    /// What a category of finding means, in plain words.
    pub fn category(category: crate::Category) -> Say {
        use crate::Category as C;
        match category {
            C::Location => Say::CatLocation,
            C::Place => Say::CatPlace,
            C::Contact => Say::CatContact,
            C::Person => Say::CatPerson,
            C::Device => Say::CatDevice,
            C::Date => Say::CatDate,
            C::Picture => Say::CatPicture,
            C::History => Say::CatHistory,
            C::Text => Say::CatText,
            C::Identifier => Say::CatIdentifier,
            C::Graphics => Say::CatGraphics,
            C::Unknown => Say::CatUnknown,
            C::Orientation => Say::CatOrientation,
            C::ColourProfile => Say::CatColourProfile,
            C::Annotation => Say::CatAnnotation,
            C::Face => Say::CatFace,
        }
    }
}

/// French when the system speaks French, English otherwise.
pub fn system_lang() -> Lang {
    let spoken = ["LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.is_empty());
    match spoken {
        Some(value) if value.to_ascii_lowercase().starts_with("fr") => Lang::Fr,
        _ => Lang::En,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_has_the_same_placeholders_in_both_languages() {
        for &say in Say::ALL {
            let (en, fr) = (say.get(Lang::En), say.get(Lang::Fr));
            assert!(!en.trim().is_empty() && !fr.trim().is_empty(), "{say:?}");
            assert_eq!(
                en.matches("{}").count(),
                fr.matches("{}").count(),
                "{say:?}"
            );
        }
    }

    #[test]
    fn values_fill_the_placeholders_in_order() {
        assert_eq!(
            Say::ExportFailed.with(Lang::En, &["a.png", "disk full"]),
            "Not written: a.png: disk full"
        );
    }
}
