# zorp - a made-up protocol for the L7 tests and its fuzz target
zorp
^zorp/[0-9]\x2e[0-9] hello
