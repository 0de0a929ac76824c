namespace HotlineGrains.Silo.Runtime;

/// <summary>
/// A grain's presence on this node: the gate that keeps its turns from interleaving, and the
/// last state this node committed or read (a cache: the database is the truth).
/// </summary>
internal sealed class Activation(GrainId id)
{
    public GrainId Id { get; } = id;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Cached state JSON; null when nothing is cached (never loaded, or invalidated after a conflict).</summary>
    public string? StateJson { get; private set; }

    public long Version { get; private set; }

    public bool IsLoaded { get; private set; }

    /// <summary>Set once the collector has dropped this activation; a caller holding it must fetch a new one.</summary>
    public bool IsCollected { get; set; }

    public long LastUsedTimestamp { get; set; }

    public void Load(string? stateJson, long version)
    {
        StateJson = stateJson;
        Version = version;
        IsLoaded = true;
    }

    public void Invalidate()
    {
        StateJson = null;
        Version = 0;
        IsLoaded = false;
    }
}
