using System.Text.Json;
using System.Text.Json.Serialization;

namespace HotlineGrains.Grains.Turns;

/// <summary>
/// What an Orleans grain storage provider stores for a hotline grain: the grain's state as JSON,
/// the reminders it has registered and the grain messages it handled lately. On a write it also
/// carries the turn's <see cref="Pending"/> effects (events for integrators, grain messages, rows
/// of the read models), which the provider stores beside the state in the same transaction and
/// never keeps in the grain's row. So a change and its effects are stored together or not at all,
/// whichever provider stores them: the SQLite provider does it in C#, the PostgreSQL function behind
/// the ADO.NET provider's write query does it in SQL from the JSON (see <see cref="GrainRecordJson"/>).
/// </summary>
public sealed class GrainRecord
{
    /// <summary>
    /// The effects to store with this write, or null when there are none. Serialised first, so the
    /// PostgreSQL write function can tell a write that carries effects from its first bytes.
    /// </summary>
    [JsonPropertyOrder(-1)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PendingEffects? Pending { get; set; }

    /// <summary>The grain's own state (its <c>TState</c>) as JSON; null before the first write.</summary>
    public JsonElement? State { get; set; }

    /// <summary>The reminders the grain has registered with Orleans, by name, with the time each is due.</summary>
    public SortedDictionary<string, DateTimeOffset> Reminders { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Ids of the grain messages handled lately, newest last: a message delivered again after a
    /// crash (delivery is at least once) is recognised and changes nothing.
    /// </summary>
    public List<Guid> Handled { get; set; } = [];

    /// <summary>The record as the row keeps it: everything but the pending effects.</summary>
    public GrainRecord WithoutPending() => Pending is null ? this : new()
    {
        State = State,
        Reminders = Reminders,
        Handled = Handled,
    };
}

/// <summary>What a turn did besides changing the grain's state; stored with the state, in its transaction.</summary>
/// <param name="Outbox">Events for the bus (<see cref="OutboxEntry.Target"/> null) and messages to other grains, in the order raised.</param>
/// <param name="ReadModels">This grain's rows in the read models, written or (with no document) removed.</param>
public sealed record PendingEffects(IReadOnlyList<OutboxEntry> Outbox, IReadOnlyList<ReadModelChange> ReadModels)
{
    [JsonIgnore]
    public bool IsEmpty => Outbox.Count == 0 && ReadModels.Count == 0;
}

/// <summary>
/// One row for the <c>outbox</c> table, which the outbox relay empties: an event for integrators
/// (published to the bus with <see cref="Id"/> as its message id) or, when <see cref="Target"/> is
/// set, a message to another grain (delivered by a grain call, at least once, with <see cref="Id"/>
/// to recognise a repeat).
/// </summary>
/// <param name="Id">Stable id: the event id, or the message id.</param>
/// <param name="Type">The payload's .NET type, full name (the relay only loads types it knows).</param>
/// <param name="Target">For a grain message, the receiving grain as <c>type/key</c> (e.g. <c>agent/agent-gc-1</c>); null for an event.</param>
/// <param name="Payload">The event or message as JSON.</param>
public sealed record OutboxEntry(Guid Id, string Type, string? Target, JsonElement Payload);

/// <summary>The writing grain's row in one read model (keyed by the grain's key).</summary>
/// <param name="Model">Which read model, e.g. <c>ticket-register</c>.</param>
/// <param name="Scope">What queries are limited to (a project id).</param>
/// <param name="SortTime">What queries range and order over.</param>
/// <param name="Document">The row as JSON; null removes the grain's row from the model.</param>
public sealed record ReadModelChange(string Model, string Scope, DateTimeOffset SortTime, JsonElement? Document);

/// <summary>
/// How grain records, states, events and messages are written as JSON everywhere: camelCase
/// properties, enums by name. One set of options, so the state a provider stores, the payloads in
/// the outbox and the documents of the read models read back the same whoever wrote them.
/// </summary>
public static class GrainRecordJson
{
    /// <summary>The first bytes of a serialised record that carries pending effects: <c>{"pending":</c>.</summary>
    public static ReadOnlySpan<byte> PendingPrefix => "{\"pending\":"u8;

    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
