//! Shares a 1 MiB frame buffer with a helper process through a named file mapping, and makes
//! sure only one copy of the program runs.
//!
//! Both names are short and descriptive, so another program may pick them too: in the case that
//! started objlint, a webcam's companion software had already created "MyFileMapping" with 4 KiB,
//! `CreateFileMappingW` silently returned that mapping, and this program crashed at byte 4097.

#[cfg(windows)]
fn main() -> windows::core::Result<()> {
    use windows::core::w;
    use windows::Win32::Foundation::INVALID_HANDLE_VALUE;
    use windows::Win32::System::Memory::{
        CreateFileMappingW, MapViewOfFile, FILE_MAP_ALL_ACCESS, PAGE_READWRITE,
    };
    use windows::Win32::System::Threading::CreateMutexW;

    const FRAME_BYTES: usize = 1 << 20;

    // "Only one instance": but if the mutex already exists, this thread does not own it.
    let _single_instance = unsafe { CreateMutexW(None, true, w!("Local\\WebcamClashSingleInstance"))? };

    let mapping = unsafe {
        CreateFileMappingW(INVALID_HANDLE_VALUE, None, PAGE_READWRITE, 0, FRAME_BYTES as u32, w!("MyFileMapping"))?
    };
    let view = unsafe { MapViewOfFile(mapping, FILE_MAP_ALL_ACCESS, 0, 0, FRAME_BYTES) };
    let frame = unsafe { std::slice::from_raw_parts_mut(view.Value.cast::<u8>(), FRAME_BYTES) };
    frame.fill(0); // crashes at byte 4097 if the mapping was someone else's 4 KiB one
    Ok(())
}

#[cfg(not(windows))]
fn main() {
    eprintln!("this demo is a Windows program; run objlint on its source instead");
}
