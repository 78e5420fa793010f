// Many tests run a fixture writer and a sampler in real time and compare against what was injected: run them one
// at a time so they do not starve each other's threads on a small machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
