// One browser test at a time: two cores are shared with the gateway process each test starts, and
// the ticket-to-screen time is measured, so nothing else may run beside it.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
