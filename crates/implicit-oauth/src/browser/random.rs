//! Randomness from the platform CSPRNG (`crypto.getRandomValues`), never a seeded PRNG.

use super::{window, BrowserError};

pub fn random_bytes<const N: usize>() -> Result<[u8; N], BrowserError> {
    let crypto = window()?
        .crypto()
        .map_err(|_| BrowserError::Refused("access to crypto"))?;
    let mut bytes = [0u8; N];
    crypto
        .get_random_values_with_u8_array(&mut bytes)
        .map_err(|_| BrowserError::Refused("random numbers"))?;
    Ok(bytes)
}
