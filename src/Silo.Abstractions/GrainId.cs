namespace HotlineGrains.Silo;

/// <summary>A grain's address: its type name (stable, stored in the database) and its key.</summary>
public readonly record struct GrainId(string Type, string Key)
{
    public override string ToString() => $"{Type}/{Key}";
}

/// <summary>
/// Names a grain class's type as it is stored: renaming the class must not orphan its state,
/// reminders and messages, so the stored name is declared rather than taken from the CLR name.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>Marks a grain class. Derive from <see cref="Grain{TState}"/> rather than implementing this.</summary>
public interface IGrain;
