//! Region redaction on image buffers.
