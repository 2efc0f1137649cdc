//! The faces Caviar finds in pictures, one line per picture: its path, the milliseconds the
//! search took (the model loaded beforehand) and each box as x,y,width,height,confidence.
//! `scripts/bench-faces.py` runs it beside another detector on a labelled set.

use std::time::Instant;

fn main() {
    let mut warmed = false;
    for path in std::env::args().skip(1) {
        let picture = match image::open(&path) {
            Ok(picture) => picture.to_rgb8(),
            Err(error) => {
                eprintln!("{path}: {error}");
                continue;
            }
        };
        if !warmed {
            // The first search loads the model; it is not what a picture costs.
            let _ = caviar::faces::find(&picture);
            warmed = true;
        }
        let start = Instant::now();
        let faces = match caviar::faces::find(&picture) {
            Ok(faces) => faces,
            Err(error) => {
                eprintln!("{path}: {error}");
                continue;
            }
        };
        let took = start.elapsed().as_secs_f64() * 1000.0;
        let boxes: Vec<String> = faces
            .iter()
            .map(|face| {
                let r = face.region;
                format!(
                    "{},{},{},{},{:.3}",
                    r.x, r.y, r.width, r.height, face.confidence
                )
            })
            .collect();
        println!("{path}\t{took:.1}\t{}", boxes.join(";"));
    }
}
