//! Connected components and rotated rectangles, shared by both detection passes.

use crate::document::Region;

/// A horizontal run of set pixels: row `y`, columns `x0..x1`.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    pub y: u32,
    pub x0: u32,
    pub x1: u32,
}

/// One 8-connected group of set pixels, kept as runs: masks of text are sparse, so runs cost far
/// less than a label image the size of a 12-megapixel photo.
#[derive(Debug, Clone)]
pub struct Component {
    pub runs: Vec<Run>,
    pub bounds: Region,
    pub pixels: u32,
}

/// The 8-connected components of a row-major mask (non-zero is set).
pub fn components(mask: &[u8], width: usize) -> Vec<Component> {
    let mut runs: Vec<Run> = Vec::new();
    let mut parent: Vec<usize> = Vec::new();
    let mut previous = 0..0;
    for (y, row) in mask.chunks_exact(width).enumerate() {
        let start = runs.len();
        let mut x = 0;
        while x < width {
            if row[x] == 0 {
                x += 1;
                continue;
            }
            let x0 = x;
            while x < width && row[x] != 0 {
                x += 1;
            }
            let index = runs.len();
            runs.push(Run {
                y: y as u32,
                x0: x0 as u32,
                x1: x as u32,
            });
            parent.push(index);
            // Runs of the row above that touch this one, diagonals included.
            for above in previous.clone() {
                let other: Run = runs[above];
                if other.x1 + 1 > x0 as u32 && other.x0 < x as u32 + 1 {
                    union(&mut parent, above, index);
                }
            }
        }
        previous = start..runs.len();
    }
    let mut slot = vec![usize::MAX; runs.len()];
    let mut found: Vec<Component> = Vec::new();
    for (index, run) in runs.iter().enumerate() {
        let root = find(&mut parent, index);
        if slot[root] == usize::MAX {
            slot[root] = found.len();
            found.push(Component {
                runs: Vec::new(),
                bounds: Region {
                    x: run.x0,
                    y: run.y,
                    width: run.x1 - run.x0,
                    height: 1,
                },
                pixels: 0,
            });
        }
        let component = &mut found[slot[root]];
        component.bounds = component.bounds.union(Region {
            x: run.x0,
            y: run.y,
            width: run.x1 - run.x0,
            height: 1,
        });
        component.pixels += run.x1 - run.x0;
        component.runs.push(*run);
    }
    found
}

pub fn find(parent: &mut [usize], mut index: usize) -> usize {
    while parent[index] != index {
        parent[index] = parent[parent[index]];
        index = parent[index];
    }
    index
}

pub fn union(parent: &mut [usize], a: usize, b: usize) {
    let (a, b) = (find(parent, a), find(parent, b));
    if a != b {
        parent[a.max(b)] = a.min(b);
    }
}

pub type Point = [f32; 2];

/// A text line as four corners in reading order: top-left, top-right, bottom-right, bottom-left.
/// Reading along the top edge is what lets a tilted line be cropped straight for the recogniser.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quad(pub [Point; 4]);

impl Quad {
    pub fn from_region(region: Region) -> Quad {
        let (x0, y0) = (region.x as f32, region.y as f32);
        let (x1, y1) = (region.right() as f32, region.bottom() as f32);
        Quad([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    }

    pub fn width(&self) -> f32 {
        distance(self.0[0], self.0[1]).max(distance(self.0[3], self.0[2]))
    }

    /// The same quad in the picture of `width` × `height` turned upside down, its corners still
    /// in reading order (top left first).
    pub fn turned_half(&self, width: u32, height: u32) -> Quad {
        let turn = |[x, y]: Point| [width as f32 - x, height as f32 - y];
        Quad([
            turn(self.0[2]),
            turn(self.0[3]),
            turn(self.0[0]),
            turn(self.0[1]),
        ])
    }

    pub fn height(&self) -> f32 {
        distance(self.0[0], self.0[3]).max(distance(self.0[1], self.0[2]))
    }

    /// The smallest pixel rectangle holding the quad, kept inside the picture.
    pub fn bounds(&self, width: u32, height: u32) -> Region {
        let xs = self.0.map(|p| p[0]);
        let ys = self.0.map(|p| p[1]);
        let clamp = |v: f32, max: u32| (v.max(0.0) as u32).min(max);
        let x0 = clamp(xs.iter().copied().fold(f32::MAX, f32::min).floor(), width);
        let y0 = clamp(ys.iter().copied().fold(f32::MAX, f32::min).floor(), height);
        let x1 = clamp(xs.iter().copied().fold(f32::MIN, f32::max).ceil(), width);
        let y1 = clamp(ys.iter().copied().fold(f32::MIN, f32::max).ceil(), height);
        Region {
            x: x0,
            y: y0,
            width: x1 - x0,
            height: y1 - y0,
        }
    }
}

fn distance(a: Point, b: Point) -> f32 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// The rotated rectangle of least area around a component's pixels (their square corners),
/// grown by `grow` on every side, as a quad read left to right along its side nearest to the
/// horizontal.
pub fn min_area_quad(runs: &[Run], grow: impl Fn(f32, f32) -> f32) -> Quad {
    let mut points = Vec::with_capacity(runs.len() * 4);
    for run in runs {
        let (y0, y1) = (run.y as f32, run.y as f32 + 1.0);
        let (x0, x1) = (run.x0 as f32, run.x1 as f32);
        points.extend([[x0, y0], [x1, y0], [x0, y1], [x1, y1]]);
    }
    let hull = convex_hull(points);
    // Some side of the best rectangle lies along a side of the hull.
    let mut best: Option<(f32, Point, [f32; 4])> = None;
    for i in 0..hull.len() {
        let (a, b) = (hull[i], hull[(i + 1) % hull.len()]);
        let length = distance(a, b);
        if length == 0.0 {
            continue;
        }
        let u = [(b[0] - a[0]) / length, (b[1] - a[1]) / length];
        let mut extent = [f32::MAX, f32::MIN, f32::MAX, f32::MIN];
        for p in &hull {
            let along = p[0] * u[0] + p[1] * u[1];
            let across = -p[0] * u[1] + p[1] * u[0];
            extent = [
                extent[0].min(along),
                extent[1].max(along),
                extent[2].min(across),
                extent[3].max(across),
            ];
        }
        let area = (extent[1] - extent[0]) * (extent[3] - extent[2]);
        if best.is_none_or(|(smallest, _, _)| area < smallest) {
            best = Some((area, u, extent));
        }
    }
    let Some((_, mut u, [mut a0, mut a1, mut c0, mut c1])) = best else {
        return Quad([[0.0; 2]; 4]);
    };
    // Turn the axes so that `u` points right and is the side closest to horizontal, and the
    // second axis points down.
    for _ in 0..4 {
        if u[0] >= u[1].abs() {
            break;
        }
        u = [-u[1], u[0]];
        (a0, a1, c0, c1) = (c0, c1, -a1, -a0);
    }
    let d = grow(a1 - a0, c1 - c0);
    let (a0, a1, c0, c1) = (a0 - d, a1 + d, c0 - d, c1 + d);
    let corner =
        |along: f32, across: f32| [along * u[0] - across * u[1], along * u[1] + across * u[0]];
    Quad([
        corner(a0, c0),
        corner(a1, c0),
        corner(a1, c1),
        corner(a0, c1),
    ])
}

/// Andrew's monotone chain; the hull is counter-clockwise in image coordinates' y-down sense.
fn convex_hull(mut points: Vec<Point>) -> Vec<Point> {
    points.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    points.dedup();
    if points.len() < 3 {
        return points;
    }
    let cross = |o: Point, a: Point, b: Point| {
        (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
    };
    let mut hull: Vec<Point> = Vec::with_capacity(points.len() * 2);
    for pass in 0..2 {
        let start = hull.len();
        let iter: Box<dyn Iterator<Item = &Point>> = if pass == 0 {
            Box::new(points.iter())
        } else {
            Box::new(points.iter().rev())
        };
        for &p in iter {
            while hull.len() >= start + 2
                && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0
            {
                hull.pop();
            }
            hull.push(p);
        }
        hull.pop();
    }
    hull
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_join_diagonals_and_keep_apart_what_does_not_touch() {
        #[rustfmt::skip]
        let mask = [
            1, 0, 0, 1, 1,
            0, 1, 0, 0, 0,
            0, 0, 0, 1, 1,
        ];
        let mut found = components(&mask, 5);
        found.sort_by_key(|c| (c.bounds.y, c.bounds.x));
        let bounds: Vec<(u32, u32, u32, u32)> = found
            .iter()
            .map(|c| (c.bounds.x, c.bounds.y, c.bounds.width, c.bounds.height))
            .collect();
        assert_eq!(bounds, [(0, 0, 2, 2), (3, 0, 2, 1), (3, 2, 2, 1)]);
        assert_eq!(found[0].pixels, 2);
    }

    #[test]
    fn a_tilted_bar_gets_a_tilted_quad_read_left_to_right() {
        // A bar 40 long and 4 thick, sloping down to the right by 1 in 10.
        let (width, height) = (60, 30);
        let mut mask = vec![0u8; width * height];
        for x in 10..50usize {
            let y0 = 10 + (x - 10) / 10;
            for y in y0..y0 + 4 {
                mask[y * width + x] = 1;
            }
        }
        let found = components(&mask, width);
        assert_eq!(found.len(), 1);
        let quad = min_area_quad(&found[0].runs, |_, _| 0.0);
        let [tl, tr, br, bl] = quad.0;
        assert!(tl[0] < tr[0] && bl[0] < br[0], "{quad:?}");
        assert!(tr[1] > tl[1], "slopes down: {quad:?}");
        assert!(quad.width() > 38.0 && quad.height() < 7.0, "{quad:?}");
        let bounds = quad.bounds(width as u32, height as u32);
        assert!(bounds.x <= 10 && bounds.right() >= 50 && bounds.y <= 10 && bounds.bottom() >= 17);
    }
}
