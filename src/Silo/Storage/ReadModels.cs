namespace HotlineGrains.Silo;

/// <summary>Queries over the read-model rows grains write with <c>ITurn.Project</c>.</summary>
public interface IReadModels
{
    Task<ReadModelPage<T>> QueryAsync<T>(ReadModelQuery query, CancellationToken cancellationToken = default);
}

/// <summary>
/// Rows of <see cref="Model"/> in any of <see cref="Scopes"/>, with sort time in [<see cref="From"/>,
/// <see cref="To"/>), whose top-level document fields match <see cref="Filters"/>, newest first.
/// </summary>
public sealed record ReadModelQuery(string Model, IReadOnlyCollection<string> Scopes)
{
    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    /// <summary>Field name (camelCase, letters and digits only) to the string value it must have.</summary>
    public IReadOnlyDictionary<string, string> Filters { get; init; } = new Dictionary<string, string>();

    /// <summary>Oldest first instead of newest first.</summary>
    public bool Ascending { get; init; }

    public int Offset { get; init; }

    public int Limit { get; init; } = 50;
}

public sealed record ReadModelPage<T>(IReadOnlyList<T> Items, int Total);
