//! [`Store`]: the public face of the core, composing storage, dictionary and I/O over a backend.

mod maintenance;
mod reasoning;
mod store_impl;

pub use reasoning::ReasoningStatus;

pub use store_impl::Store;
