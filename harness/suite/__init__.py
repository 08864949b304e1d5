"""Running cases: what a case is (``cases``, ``corpus``), its expected output
(``oracle``), its verdict (``verdict``), a target and its host reference
(``session``), and the one runner both front ends drive (``runner``)."""
