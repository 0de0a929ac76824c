using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HotlineGrains.Grains.Turns;
using HotlineGrains.Silo.Persistence;
using Orleans;
using Orleans.Storage;
using JsonGrainStorageSerializer = HotlineGrains.Silo.Persistence.JsonGrainStorageSerializer;
using OrleansGrainId = Orleans.Runtime.GrainId;

namespace HotlineGrains.Silo.Tests.Persistence;

/// <summary>
/// What an Orleans grain storage of the hotline must do, whichever database is under it: Orleans'
/// ETag rules, and a grain record's pending effects stored with its state in one transaction and
/// never in its row. A provider is tested by deriving from this kit with a
/// <see cref="GrainStorageHost"/>; the tests are the same for all. The database is shared by the
/// tests of a class, so each test keeps to grain keys of its own.
/// </summary>
public abstract class GrainStorageKit(GrainStorageHost host)
{
    private const string Ticket = "ticket";

    private static readonly DateTimeOffset Noon = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    private IGrainStorage Storage => host.Storage;

    /// <summary>A key shaped like a ticket id: 32 lower-case hex digits.</summary>
    private static string NewKey() => Guid.NewGuid().ToString("N");

    private static OrleansGrainId Id(string key, string type = Ticket) => OrleansGrainId.Create(type, key);

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static GrainRecord Record(string stateJson, PendingEffects? pending = null) => new()
    {
        Pending = pending,
        State = Json(stateJson),
        Reminders = new(StringComparer.Ordinal) { ["sla-due"] = Noon.AddHours(4), ["callback"] = Noon.AddMinutes(30) },
        Handled = [Guid.NewGuid(), Guid.NewGuid()],
    };

    private static PendingEffects Effects(OutboxEntry[]? outbox = null, ReadModelChange[]? readModels = null) =>
        new(outbox ?? [], readModels ?? []);

    private static OutboxEntry Event(string type = "HotlineGrains.Contracts.TicketOpened", string payload = """{"ticketId":"t","at":"2026-03-02T12:00:00+00:00"}""") =>
        new(Guid.NewGuid(), type, null, Json(payload));

    private static OutboxEntry Message(string target, string type = "HotlineGrains.Grains.Agents.TrackTicket", string payload = """{"ticket":"t","assignment":2}""") =>
        new(Guid.NewGuid(), type, target, Json(payload));

    private async Task<GrainState<T>> WrittenAsync<T>(string key, T state, string type = Ticket)
    {
        var grainState = new GrainState<T>(state);
        await Storage.WriteStateAsync(type, Id(key, type), grainState);
        return grainState;
    }

    private async Task<GrainState<T>> ReadAsync<T>(string key, string type = Ticket, IGrainStorage? storage = null)
    {
        var grainState = new GrainState<T>();
        await (storage ?? Storage).ReadStateAsync(type, Id(key, type), grainState);
        return grainState;
    }

    [Fact]
    public async Task A_missing_record_reads_as_absent_with_no_etag_and_a_default_state()
    {
        var record = await ReadAsync<GrainRecord>(NewKey());
        var plain = await ReadAsync<Counter>(NewKey());

        Assert.False(record.RecordExists);
        Assert.Null(record.ETag);
        Assert.NotNull(record.State);
        Assert.Null(record.State!.State);
        Assert.Null(record.State!.Pending);
        Assert.Empty(record.State!.Reminders);
        Assert.Empty(record.State!.Handled);
        Assert.False(plain.RecordExists);
        Assert.Null(plain.ETag);
        Assert.Equal(0, plain.State!.Value);
    }

    [Fact]
    public async Task A_grain_record_round_trips_with_its_state_reminders_and_handled_ids()
    {
        var key = NewKey();
        var record = Record("""{"status":"Open","number":"WB-2026-000123","agent":null,"tags":["vip",1.5]}""");

        var written = await WrittenAsync(key, record);
        var read = await ReadAsync<GrainRecord>(key);

        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        AssertSameJson(record.State!.Value, read.State!.State!.Value);
        Assert.Equal(record.Reminders, read.State!.Reminders);
        Assert.Equal(record.Handled, read.State!.Handled);
        Assert.Null(read.State!.Pending);
    }

    [Fact]
    public async Task A_plain_state_class_round_trips()
    {
        var key = NewKey();

        var written = await WrittenAsync(key, new Counter { Value = 42, Name = "calls-today" }, type: "counter");
        var read = await ReadAsync<Counter>(key, type: "counter");

        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(42, read.State!.Value);
        Assert.Equal("calls-today", read.State!.Name);
    }

    [Fact]
    public async Task The_first_write_is_version_1_and_each_write_adds_one()
    {
        var key = NewKey();
        var grainState = new GrainState<GrainRecord>(Record("""{"n":1}"""));

        await Storage.WriteStateAsync(Ticket, Id(key), grainState);
        Assert.Equal("1", grainState.ETag);
        Assert.True(grainState.RecordExists);
        await Storage.WriteStateAsync(Ticket, Id(key), grainState);
        Assert.Equal("2", grainState.ETag);
        await Storage.WriteStateAsync(Ticket, Id(key), grainState);

        Assert.Equal("3", grainState.ETag);
        Assert.Equal("3", (await ReadAsync<GrainRecord>(key)).ETag);
        Assert.Equal(3, (await StoredAsync(key))!.Version);
    }

    [Fact]
    public async Task A_stale_etag_is_refused_and_stores_nothing()
    {
        var key = NewKey();
        var first = await WrittenAsync(key, Record("""{"n":1}"""));
        var stale = new GrainState<GrainRecord>(Record("""{"n":"stale"}"""), first.ETag) { RecordExists = true };
        await Storage.WriteStateAsync(Ticket, Id(key), first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(Ticket, Id(key), stale));

        var read = await ReadAsync<GrainRecord>(key);
        Assert.Equal("2", read.ETag);
        Assert.Equal(1, read.State!.State!.Value.GetProperty("n").GetInt32());
        Assert.Equal("1", stale.ETag);
    }

    [Fact]
    public async Task A_write_without_etag_over_a_stored_record_is_refused()
    {
        var key = NewKey();
        await WrittenAsync(key, Record("""{"n":1}"""));

        await Assert.ThrowsAsync<InconsistentStateException>(() => WrittenAsync(key, Record("""{"n":"second activation"}""")));

        var read = await ReadAsync<GrainRecord>(key);
        Assert.Equal("1", read.ETag);
        Assert.Equal(1, read.State!.State!.Value.GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task A_cleared_record_reads_as_absent_with_the_cleared_version_as_etag()
    {
        var key = NewKey();
        var grainState = await WrittenAsync(key, Record("""{"n":1}"""));

        await Storage.ClearStateAsync(Ticket, Id(key), grainState);

        Assert.False(grainState.RecordExists);
        Assert.Equal("2", grainState.ETag);
        Assert.Null(grainState.State!.State);
        var read = await ReadAsync<GrainRecord>(key);
        Assert.False(read.RecordExists);
        Assert.Equal("2", read.ETag);
        Assert.Null(read.State!.State);
        Assert.Empty(read.State!.Reminders);
        var stored = await StoredAsync(key);
        Assert.NotNull(stored);
        Assert.Null(stored.Payload);
    }

    [Fact]
    public async Task A_stale_clear_is_refused_and_keeps_the_record()
    {
        var key = NewKey();
        var grainState = await WrittenAsync(key, Record("""{"n":1}"""));
        var stale = new GrainState<GrainRecord>(grainState.State, grainState.ETag) { RecordExists = true };
        await Storage.WriteStateAsync(Ticket, Id(key), grainState);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync(Ticket, Id(key), stale));

        var read = await ReadAsync<GrainRecord>(key);
        Assert.True(read.RecordExists);
        Assert.Equal("2", read.ETag);
        Assert.Equal(1, read.State!.State!.Value.GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task A_write_after_a_clear_continues_the_version()
    {
        var key = NewKey();
        var grainState = await WrittenAsync(key, Record("""{"n":1}"""));
        await Storage.ClearStateAsync(Ticket, Id(key), grainState);

        grainState.State = Record("""{"n":"again"}""");
        await Storage.WriteStateAsync(Ticket, Id(key), grainState);
        var reactivated = await ReadAsync<GrainRecord>(key);

        Assert.Equal("3", grainState.ETag);
        Assert.True(reactivated.RecordExists);
        Assert.Equal("3", reactivated.ETag);
        Assert.Equal("again", reactivated.State!.State!.Value.GetProperty("n").GetString());

        // A grain activated while the record is cleared has the cleared version as its ETag and writes with it.
        var other = NewKey();
        await Storage.ClearStateAsync(Ticket, Id(other), await WrittenAsync(other, Record("""{"n":1}""")));
        var activated = await ReadAsync<GrainRecord>(other);
        activated.State = Record("""{"n":"after activation"}""");
        await Storage.WriteStateAsync(Ticket, Id(other), activated);
        Assert.Equal("3", activated.ETag);
        Assert.True(activated.RecordExists);
    }

    [Fact]
    public async Task Pending_effects_land_in_the_outbox_and_read_models_and_not_in_the_stored_row()
    {
        var key = NewKey();
        var opened = Event();
        var track = Message("agent/agent-gc-1");
        var counted = Event("HotlineGrains.Contracts.TicketCounted", """{"n":[1,2,{"deep":true}],"s":"中文 \"quoted\""}""");
        var register = new ReadModelChange("ticket-register", "weibang-plaza", Noon, Json("""{"number":"WB-1","status":"Open","priority":2}"""));
        var board = new ReadModelChange("agent-open-list", "weibang-plaza", Noon.AddMinutes(5), Json("""{"agent":"agent-gc-1"}"""));
        var record = Record("""{"status":"Open"}""", Effects([opened, track, counted], [register, board]));

        var written = await WrittenAsync(key, record);

        Assert.Equal("1", written.ETag);
        var outbox = await OutboxAsync(key);
        Assert.Equal([opened.Id, track.Id, counted.Id], outbox.Select(row => row.Id));
        foreach (var (row, entry) in outbox.Zip([opened, track, counted]))
        {
            Assert.Equal(Ticket, row.GrainType);
            Assert.Equal(key, row.GrainKey);
            Assert.Equal(entry.Type, row.Type);
            Assert.Equal(entry.Target, row.Target);
            AssertSameJson(entry.Payload, Json(row.Payload));
        }

        var models = await ReadModelsAsync(key);
        Assert.Equal(["agent-open-list", "ticket-register"], models.Select(row => row.Model));
        foreach (var (row, change) in models.Zip([board, register]))
        {
            Assert.Equal(change.Scope, row.Scope);
            Assert.Equal(change.SortTime, row.SortTime);
            AssertSameJson(change.Document!.Value, Json(row.Document));
        }

        var stored = (await StoredAsync(key))!;
        Assert.DoesNotContain("pending", Encoding.UTF8.GetString(stored.Payload!), StringComparison.OrdinalIgnoreCase);
        var kept = JsonGrainStorageSerializer.Instance.Deserialize<GrainRecord>(new BinaryData(stored.Payload!));
        Assert.Null(kept.Pending);
        AssertSameJson(record.State!.Value, kept.State!.Value);
        Assert.Equal(record.Reminders, kept.Reminders);
        Assert.Equal(record.Handled, kept.Handled);
        Assert.Null((await ReadAsync<GrainRecord>(key)).State!.Pending);
    }

    [Fact]
    public async Task A_read_model_change_without_document_removes_the_grains_row()
    {
        var key = NewKey();
        var neighbour = NewKey();
        var row = new ReadModelChange("ticket-register", "weibang-plaza", Noon, Json("""{"number":"WB-2"}"""));
        await WrittenAsync(neighbour, Record("{}", Effects(readModels: [row])));
        var grainState = await WrittenAsync(key, Record("{}", Effects(readModels: [row with { Document = Json("""{"number":"WB-3"}""") }])));

        grainState.State = Record("""{"status":"Deleted"}""", Effects(readModels: [row with { Document = null }]));
        await Storage.WriteStateAsync(Ticket, Id(key), grainState);

        Assert.Empty(await ReadModelsAsync(key));
        Assert.Equal("WB-2", Json(Assert.Single(await ReadModelsAsync(neighbour)).Document).GetProperty("number").GetString());
    }

    [Fact]
    public async Task Only_the_last_change_to_a_read_model_in_one_write_counts()
    {
        var key = NewKey();
        var kept = NewKey();
        var first = new ReadModelChange("ticket-register", "weibang-plaza", Noon, Json("""{"v":1}"""));
        var last = first with { Scope = "north-gate", SortTime = Noon.AddHours(1), Document = Json("""{"v":2}""") };

        await WrittenAsync(key, Record("{}", Effects(readModels: [first, last, first with { Model = "gone", Document = null }])));
        await WrittenAsync(kept, Record("{}", Effects(readModels: [first, last with { Document = null }])));

        var row = Assert.Single(await ReadModelsAsync(key));
        Assert.Equal("north-gate", row.Scope);
        Assert.Equal(Noon.AddHours(1), row.SortTime);
        Assert.Equal(2, Json(row.Document).GetProperty("v").GetInt32());
        Assert.Empty(await ReadModelsAsync(kept));
    }

    [Fact]
    public async Task A_refused_write_stores_none_of_its_effects()
    {
        var key = NewKey();
        var register = new ReadModelChange("ticket-register", "weibang-plaza", Noon, Json("""{"number":"WB-4"}"""));
        var grainState = await WrittenAsync(key, Record("""{"n":1}""", Effects([Event()], [register])));
        var stale = new GrainState<GrainRecord>(
            Record("""{"n":"lost"}""", Effects([Event(), Message("agent/agent-gc-2")], [register with { Document = Json("""{"number":"lost"}""") }, register with { Model = "agent-open-list" }])),
            grainState.ETag) { RecordExists = true };
        grainState.State = Record("""{"n":2}"""); // the grain dropped its stored effects
        await Storage.WriteStateAsync(Ticket, Id(key), grainState);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(Ticket, Id(key), stale));
        var refusedCreate = new GrainState<GrainRecord>(Record("{}", Effects([Event()], [register])));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(Ticket, Id(key), refusedCreate));

        Assert.Single(await OutboxAsync(key));
        var row = Assert.Single(await ReadModelsAsync(key));
        Assert.Equal("WB-4", Json(row.Document).GetProperty("number").GetString());
        Assert.Equal("2", (await ReadAsync<GrainRecord>(key)).ETag);
    }

    [Fact]
    public async Task An_outbox_id_already_stored_is_stored_once()
    {
        var key = NewKey();
        var opened = Event();
        var grainState = await WrittenAsync(key, Record("{}", Effects([opened])));

        grainState.State = Record("{}", Effects([opened, Event()]));
        await Storage.WriteStateAsync(Ticket, Id(key), grainState);

        var outbox = await OutboxAsync(key);
        Assert.Equal(2, outbox.Count);
        Assert.Equal(opened.Id, outbox[0].Id);
        Assert.Equal("2", grainState.ETag);
    }

    [Fact]
    public async Task One_key_under_two_state_names_is_two_records()
    {
        var key = NewKey();

        await WrittenAsync(key, Record("""{"of":"ticket"}"""));
        var agent = await WrittenAsync(key, Record("""{"of":"agent"}""", Effects([Event()])), type: "agent");

        Assert.Equal("1", agent.ETag);
        Assert.Equal("ticket", (await ReadAsync<GrainRecord>(key)).State!.State!.Value.GetProperty("of").GetString());
        Assert.Equal("agent", (await ReadAsync<GrainRecord>(key, type: "agent")).State!.State!.Value.GetProperty("of").GetString());
        Assert.Equal("agent", Assert.Single(await OutboxAsync(key)).GrainType);
    }

    [Fact]
    public async Task Two_service_ids_keep_separate_records()
    {
        var key = NewKey();
        await WrittenAsync(key, Record("""{"service":"one"}"""));

        var other = new GrainState<GrainRecord>(Record("""{"service":"other"}"""));
        await host.OtherServiceStorage.WriteStateAsync(Ticket, Id(key), other);

        Assert.Equal("1", other.ETag);
        Assert.Equal("one", (await ReadAsync<GrainRecord>(key)).State!.State!.Value.GetProperty("service").GetString());
        Assert.Equal("other", (await ReadAsync<GrainRecord>(key, storage: host.OtherServiceStorage)).State!.State!.Value.GetProperty("service").GetString());
        Assert.Equal(1, (await StoredAsync(key, GrainStorageHost.ServiceId))!.Version);
        Assert.Equal(1, (await StoredAsync(key, GrainStorageHost.OtherServiceId))!.Version);
        Assert.False((await ReadAsync<GrainRecord>(NewKey(), storage: host.OtherServiceStorage)).RecordExists);
    }

    [Fact]
    public async Task A_write_without_effects_stores_the_serializers_exact_bytes()
    {
        var key = NewKey();
        var record = Record("""{"text":"中文 \"quoted\" \u00e9","n":1.50,"when":"2026-03-02T12:00:00.1234567+08:00"}""");
        var counter = new Counter { Value = 7, Name = "exact" };

        await WrittenAsync(key, record);
        await WrittenAsync(key, counter, type: "counter");

        Assert.Equal(JsonGrainStorageSerializer.Instance.Serialize(record).ToArray(), (await StoredAsync(key))!.Payload);
        Assert.Equal(JsonGrainStorageSerializer.Instance.Serialize(counter).ToArray(), (await StoredAsync(key, type: "counter"))!.Payload);
    }

    [Theory]
    [InlineData("7f3a9c0e5b2d4e8f9a1b2c3d4e5f6a7b")] // a ticket id: Orleans reads it as a Guid key
    [InlineData("12345")] // digits: Orleans reads it as an integer key
    [InlineData("cafe")] // a slug of hex letters: an integer key too
    [InlineData("ffffffffffffffff")] // an integer key that is negative as a long
    [InlineData("7f3a9c0e5b2d4e8f9a1b2c3d4e5f6a7b+north")] // a Guid key with an extension
    [InlineData("12+north")] // an integer key with an extension
    [InlineData("agent-gc-1")] // a plain string key
    public async Task A_key_is_stored_under_its_own_text_whatever_it_looks_like(string key)
    {
        // The database is fresh per test class and the state name fresh per case, so the fixed keys meet no earlier row.
        var type = "keyed-" + NewKey()[..8];
        var register = new ReadModelChange("ticket-register", "weibang-plaza", Noon, Json("""{"k":1}"""));
        var opened = Event();

        await WrittenAsync(key, Record("""{"n":1}""", Effects([opened], [register])), type);
        var read = await ReadAsync<GrainRecord>(key, type);

        Assert.True(read.RecordExists);
        Assert.Equal(1, read.State!.State!.Value.GetProperty("n").GetInt32());
        Assert.Equal(1, (await StoredAsync(key, type: type))!.Version);
        Assert.Contains(await OutboxAsync(key), row => row.Id == opened.Id && row.GrainType == type);
        Assert.Contains(await ReadModelsAsync(key), row => row.Model == "ticket-register");
        await Storage.ClearStateAsync(type, Id(key, type), read);
        Assert.Null((await StoredAsync(key, type: type))!.Payload);
    }

    [Fact]
    public async Task Concurrent_writers_of_one_version_get_one_success_and_conflicts_for_the_rest()
    {
        var key = NewKey();

        var creates = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Outcome(() => WrittenAsync(key, Record($$"""{"writer":{{i}}}""", Effects([Event()]))))));
        var updates = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Outcome(() => Storage.WriteStateAsync(Ticket, Id(key), new GrainState<GrainRecord>(Record($$"""{"writer":{{i}}}""", Effects([Event()])), "1") { RecordExists = true }))));

        Assert.Equal(1, creates.Count(ok => ok));
        Assert.Equal(1, updates.Count(ok => ok));
        Assert.Equal("2", (await ReadAsync<GrainRecord>(key)).ETag);
        Assert.Equal(2, (await OutboxAsync(key)).Count);

        static async Task<bool> Outcome(Func<Task> write)
        {
            try
            {
                await write();
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }
    }

    private static void AssertSameJson(JsonElement expected, JsonElement actual) =>
        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse(expected.GetRawText()), JsonNode.Parse(actual.GetRawText())),
            $"expected {expected.GetRawText()}, stored {actual.GetRawText()}");

    private async Task<StoredRow?> StoredAsync(string key, string serviceId = GrainStorageHost.ServiceId, string type = Ticket)
    {
        await using var connection = await host.OpenAsync();
        await using var command = Command(connection,
            "select version, payload from grain_storage where service_id = @s and grain_type = @t and grain_key = @k",
            ("s", serviceId), ("t", type), ("k", key));
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new StoredRow(Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture), reader.IsDBNull(1) ? null : (byte[])reader.GetValue(1))
            : null;
    }

    private async Task<List<OutboxRow>> OutboxAsync(string key)
    {
        await using var connection = await host.OpenAsync();
        await using var command = Command(connection,
            "select message_id, grain_type, grain_key, message_type, payload, target from outbox where grain_key = @k order by position",
            ("k", key));
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<OutboxRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new OutboxRow(
                Guid.Parse(Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return rows;
    }

    private async Task<List<ReadModelRow>> ReadModelsAsync(string key)
    {
        await using var connection = await host.OpenAsync();
        await using var command = Command(connection,
            "select model, scope, sort_time, doc from read_models where grain_key = @k order by model", ("k", key));
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<ReadModelRow>();
        while (await reader.ReadAsync())
        {
            var sortTime = reader.GetValue(2) switch
            {
                long milliseconds => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds), // SQLite
                DateTime utc => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)), // PostgreSQL timestamptz
                var other => throw new InvalidOperationException($"sort_time as {other.GetType()}"),
            };
            rows.Add(new ReadModelRow(reader.GetString(0), reader.GetString(1), sortTime, reader.GetString(3)));
        }

        return rows;
    }

    private static DbCommand Command(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private sealed record StoredRow(int Version, byte[]? Payload);

    private sealed record OutboxRow(Guid Id, string GrainType, string GrainKey, string Type, string Payload, string? Target);

    private sealed record ReadModelRow(string Model, string Scope, DateTimeOffset SortTime, string Document);

    /// <summary>A state that is not a grain record: stored as the serializer writes it, with no effects.</summary>
    public sealed class Counter
    {
        public int Value { get; set; }

        public string? Name { get; set; }
    }
}
