using HotlineGrains.Testing;
using HotlineGrains.Contracts;

namespace HotlineGrains.Contracts.Tests;

/// <summary>Integrators find every event in docs/events.md: a new event without its row there fails here.</summary>
public sealed class EventDocumentationTests
{
    [Fact]
    public void Every_event_type_has_a_row_in_the_integrators_table()
    {
        var docs = File.ReadAllText(Path.Combine(Repository.Root, "docs", "events.md"));
        var events = typeof(IHotlineEvent).Assembly.GetExportedTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IHotlineEvent).IsAssignableFrom(t))
            .Select(t => t.Name)
            .ToList();

        Assert.NotEmpty(events);
        var missing = events.Where(name => !docs.Contains($"| `{name}` |", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "Not in docs/events.md: " + string.Join(", ", missing));
    }
}
