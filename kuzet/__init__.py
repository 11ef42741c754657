"""kuzet: the information system of the Department for Countering Cybercrime."""
