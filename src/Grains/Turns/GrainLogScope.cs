using System.Collections;

namespace HotlineGrains.Grains.Turns;

/// <summary>
/// The ids every log line written in a grain's call carries (a logging scope: the JSON console
/// formatter writes them as fields), read when the line is written, not when the call begins:
/// a ticket learns its project in its first turn.
/// </summary>
internal sealed class GrainLogScope(Func<IEnumerable<KeyValuePair<string, object?>>> read) : IEnumerable<KeyValuePair<string, object?>>
{
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => read().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>What the simple console formatter shows of the scope.</summary>
    public override string ToString() => string.Join(' ', read().Where(field => field.Value is not null).Select(field => $"{field.Key}:{field.Value}"));
}
