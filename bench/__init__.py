"""The benchmark, load and fault harness: a generated dataset ten times London's scale, page and task timings, fault runs."""
