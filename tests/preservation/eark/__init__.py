"""Running the independent ``eark-validator`` (E-ARK Foundation, Apache-2.0) on our packages."""
