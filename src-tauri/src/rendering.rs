//! How the window draws on a machine without a GPU.
//!
//! With no DRM render node (a virtual machine, a container, CI under Xvfb), the only OpenGL is
//! Mesa's software rasterizer, llvmpipe. WebKitGTK's accelerated compositing through it is the
//! slow path (about 750 MiB and 190 ms frames on a 1 MB document), and merely probing for GL
//! loads Mesa and LLVM into the app process (about 25 MiB of relocated pages). On such a
//! machine the app asks GTK and WebKitGTK to draw on the CPU instead, before GTK starts. A
//! person who sets any of these variables themselves keeps full control: then none is set.
//! Figures and the reasoning: `docs/performance.md`.

use std::path::Path;

use crate::env_defaults::{apply, in_env, unless_chosen, Group};

/// The variables GTK and WebKitGTK read at start-up, and the values that make them draw on the
/// CPU without touching OpenGL in the app process.
pub const CPU_DRAWING: [(&str, &str); 4] = [
    // Composite on the CPU rather than through llvmpipe.
    ("WEBKIT_DISABLE_COMPOSITING_MODE", "1"),
    // No DMA-BUF renderer: its check opens an EGL display (Mesa + LLVM) in the app process.
    ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
    // WebKit's search for the GPU device also opens an EGL display unless it is told a device
    // file; a path that does not exist means "no device" without loading any driver.
    ("WEBKIT_WEB_RENDER_DEVICE_FILE", "/nonexistent/no-gpu"),
    // GTK 3 probes GLX when it opens the X display, which loads Mesa and LLVM too.
    ("GDK_GL", "disable"),
];

/// The variables to set: all of [`CPU_DRAWING`] on a machine without a GPU, unless the person
/// set any of them (`is_set`), in which case none.
pub fn cpu_drawing_env(has_gpu: bool, is_set: impl Fn(&str) -> bool) -> Group {
    if has_gpu {
        &[]
    } else {
        unless_chosen(&CPU_DRAWING, is_set)
    }
}

/// Whether `dri` (normally `/dev/dri`) holds a GPU render node (`renderD*`).
pub fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false)
}

/// Sets the CPU drawing variables when this machine has no GPU. Call first thing in `main`,
/// before any thread starts and before GTK reads its environment.
pub fn prefer_cpu_drawing_without_gpu() {
    apply(cpu_drawing_env(
        has_render_node(Path::new("/dev/dri")),
        in_env,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_gpu_means_cpu_drawing_unless_the_person_chose() {
        assert_eq!(cpu_drawing_env(false, |_| false), &CPU_DRAWING);
        assert!(cpu_drawing_env(true, |_| false).is_empty());
        assert!(cpu_drawing_env(false, |name| name == "GDK_GL").is_empty());
    }

    #[test]
    fn a_render_node_is_a_gpu() {
        let dir = std::env::temp_dir().join(format!("glossa-dri-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(!has_render_node(&dir));
        std::fs::write(dir.join("card0"), b"").unwrap();
        assert!(!has_render_node(&dir));
        std::fs::write(dir.join("renderD128"), b"").unwrap();
        assert!(has_render_node(&dir));
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(!has_render_node(&dir));
    }
}
