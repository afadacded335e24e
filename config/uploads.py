"""Sizes of request bodies and uploads, as a user reads them."""


def human_size(size: int) -> str:
    """A size in bytes as a user reads it: « 10 Mo », « 512 Ko », « 10 octets »."""
    for unit, factor in (("Go", 1024**3), ("Mo", 1024**2), ("Ko", 1024)):
        if size >= factor:
            value = size / factor
            text = f"{value:.0f}" if value == int(value) else f"{value:.1f}".replace(".", ",")
            return f"{text} {unit}"
    return f"{size} octets"
