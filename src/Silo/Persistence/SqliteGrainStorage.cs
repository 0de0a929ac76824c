using System.Data.Common;
using System.Globalization;
using HotlineGrains.Grains.Turns;
using HotlineGrains.Silo.Storage;
using HotlineGrains.Silo.Storage.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Configuration.Overrides;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using OrleansGrainId = Orleans.Runtime.GrainId;

namespace HotlineGrains.Silo.Persistence;

/// <summary>
/// Orleans grain storage in the embedded default's SQLite file (table <c>grain_storage</c>, migration
/// 0004). It writes through the project's <see cref="SqliteDatabase"/>, so grain state shares the
/// one file and its single-writer gate with the outbox, the read models and the audit trail.
/// </summary>
/// <remarks>
/// Behaves as Orleans' ADO.NET provider does on PostgreSQL with the hotline's queries, so a grain
/// sees the same on either: the ETag is the row's version (1 on the first write, +1 on every write
/// and clear; null while there is no row); a write or clear with another ETag, or a write without
/// one over an existing row, throws <see cref="InconsistentStateException"/> and changes nothing.
/// Clear keeps the row with no payload, so the version goes on counting: a read then finds no
/// record but the cleared version as ETag, and the next write continues from it. A
/// <see cref="GrainRecord"/> with <see cref="GrainRecord.Pending"/> effects has them stored in the
/// same transaction (outbox rows, read-model rows) and the row keeps the record without them; the
/// grain's object is left as it is, so the grain drops its pending effects after the write.
/// </remarks>
internal sealed partial class SqliteGrainStorage(
    string name,
    string serviceId,
    SqliteDatabase database,
    IGrainStorageSerializer serializer,
    IActivatorProvider activators,
    TimeProvider time,
    ILogger<SqliteGrainStorage> logger) : IGrainStorage
{
    /// <summary>Builds the provider registered under <paramref name="name"/>, on the node's SQLite database.</summary>
    public static SqliteGrainStorage Create(IServiceProvider services, string name)
    {
        var database = services.GetRequiredService<IHotlineDatabase>() as SqliteDatabase
            ?? throw new InvalidOperationException(
                $"Grain storage '{name}' keeps grain state in the node's SQLite database, but Storage:Provider is not Sqlite.");
        return new SqliteGrainStorage(
            name,
            services.GetProviderClusterOptions(name).Value.ServiceId,
            database,
            JsonGrainStorageSerializer.Instance,
            services.GetRequiredService<IActivatorProvider>(),
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            services.GetRequiredService<ILogger<SqliteGrainStorage>>());
    }

    public Task ReadStateAsync<T>(string stateName, OrleansGrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ReadStateAsync<T>(string stateName, OrleansGrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var key = KeyOf(grainId);
        try
        {
            int? version = null;
            byte[]? payload = null;
            await using (var connection = await database.OpenAsync(cancellationToken))
            await using (var command = SqlDatabase.Command(connection, null,
                "select version, payload from grain_storage where service_id = @s and grain_type = @t and grain_key = @k",
                ("s", serviceId), ("t", stateName), ("k", key)))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken))
                {
                    version = reader.GetInt32(0);
                    payload = reader.IsDBNull(1) ? null : (byte[])reader.GetValue(1);
                }
            }

            var state = payload is null ? default : serializer.Deserialize<T>(new BinaryData(payload));
            grainState.State = state ?? activators.GetActivator<T>().Create();
            grainState.ETag = version?.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = payload is not null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogReadFailed(logger, exception, name, stateName, key);
            throw;
        }
    }

    public Task WriteStateAsync<T>(string stateName, OrleansGrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task WriteStateAsync<T>(string stateName, OrleansGrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var key = KeyOf(grainId);
        var expected = ParseETag(grainState.ETag);
        // Serialised before the write gate is taken, so the gate is held for the SQL alone.
        var (payload, effects) = grainState.State is GrainRecord { Pending: { } pending } record
            ? (serializer.Serialize(record.WithoutPending()).ToArray(), pending)
            : (serializer.Serialize(grainState.State).ToArray(), null);
        var now = database.ToDb(time.GetUtcNow());
        int version;
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            var (transaction, release) = await database.BeginWriteAsync(connection, cancellationToken);
            using (release)
            await using (transaction)
            {
                int changed;
                if (string.IsNullOrWhiteSpace(grainState.ETag))
                {
                    version = 1;
                    changed = await SqlDatabase.ExecuteAsync(connection, transaction,
                        """
                        insert into grain_storage (service_id, grain_type, grain_key, version, payload, modified_at)
                        values (@s, @t, @k, 1, @p, @now)
                        on conflict (service_id, grain_type, grain_key) do nothing
                        """,
                        cancellationToken, ("s", serviceId), ("t", stateName), ("k", key), ("p", payload), ("now", now));
                }
                else if (expected is { } current)
                {
                    version = current + 1;
                    changed = await SqlDatabase.ExecuteAsync(connection, transaction,
                        """
                        update grain_storage set version = @next, payload = @p, modified_at = @now
                        where service_id = @s and grain_type = @t and grain_key = @k and version = @v
                        """,
                        cancellationToken, ("s", serviceId), ("t", stateName), ("k", key), ("p", payload), ("now", now), ("v", current), ("next", version));
                }
                else
                {
                    version = 0;
                    changed = 0; // an ETag no version can have
                }

                if (changed != 1)
                {
                    throw await ConflictAsync(connection, transaction, "WriteState", stateName, key, grainState.ETag, cancellationToken);
                }

                if (effects is not null)
                {
                    await StoreEffectsAsync(connection, transaction, stateName, key, effects, now, cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
            }
        }
        catch (Exception exception) when (exception is not (OperationCanceledException or InconsistentStateException))
        {
            LogWriteFailed(logger, exception, name, stateName, key, grainState.ETag);
            throw;
        }

        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, OrleansGrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ClearStateAsync<T>(string stateName, OrleansGrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        // As the ADO.NET provider does: a grain that holds neither a record nor an ETag learns the
        // stored ones first, and there is nothing to clear when no record is stored.
        if (!grainState.RecordExists && string.IsNullOrWhiteSpace(grainState.ETag))
        {
            await ReadStateAsync(stateName, grainId, grainState, cancellationToken);
            if (!grainState.RecordExists)
            {
                return;
            }
        }

        var key = KeyOf(grainId);
        var expected = ParseETag(grainState.ETag);
        var now = database.ToDb(time.GetUtcNow());
        int version;
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            var (transaction, release) = await database.BeginWriteAsync(connection, cancellationToken);
            using (release)
            await using (transaction)
            {
                var changed = 0;
                version = (expected ?? 0) + 1;
                if (expected is { } current)
                {
                    changed = await SqlDatabase.ExecuteAsync(connection, transaction,
                        """
                        update grain_storage set version = @next, payload = null, modified_at = @now
                        where service_id = @s and grain_type = @t and grain_key = @k and version = @v
                        """,
                        cancellationToken, ("s", serviceId), ("t", stateName), ("k", key), ("now", now), ("v", current), ("next", version));
                }

                if (changed != 1)
                {
                    throw await ConflictAsync(connection, transaction, "ClearState", stateName, key, grainState.ETag, cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
            }
        }
        catch (Exception exception) when (exception is not (OperationCanceledException or InconsistentStateException))
        {
            LogClearFailed(logger, exception, name, stateName, key, grainState.ETag);
            throw;
        }

        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = false;
        grainState.State = activators.GetActivator<T>().Create();
    }

    /// <summary>The key as the grain was called with it; the PostgreSQL queries rebuild the same text (see migration 0004).</summary>
    private static string KeyOf(OrleansGrainId grainId) => grainId.Key.ToString()!;

    private static int? ParseETag(string? etag) =>
        int.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;

    private async Task StoreEffectsAsync(DbConnection connection, DbTransaction transaction, string stateName, string key, PendingEffects effects, object now, CancellationToken cancellationToken)
    {
        // In the order raised, so the relay publishes them in that order. An id already in the
        // outbox is the same message (ids are stable), stored once, as the PostgreSQL function does.
        foreach (var entry in effects.Outbox ?? [])
        {
            await SqlDatabase.ExecuteAsync(connection, transaction,
                """
                insert into outbox (message_id, grain_type, grain_key, message_type, payload, target, created_at)
                values (@id, @t, @k, @type, @p, @target, @now)
                on conflict (message_id) do nothing
                """,
                cancellationToken,
                ("id", database.ToDb(entry.Id)), ("t", stateName), ("k", key), ("type", entry.Type),
                ("p", entry.Payload.GetRawText()), ("target", entry.Target), ("now", now));
        }

        // Each change replaces the grain's row in its model; applied in order, the last one wins.
        foreach (var change in effects.ReadModels ?? [])
        {
            if (change.Document is { ValueKind: not System.Text.Json.JsonValueKind.Null } document)
            {
                await SqlDatabase.ExecuteAsync(connection, transaction,
                    """
                    insert into read_models (model, grain_key, scope, sort_time, doc, updated_at) values (@m, @k, @scope, @sort, @doc, @now)
                    on conflict (model, grain_key) do update
                    set scope = excluded.scope, sort_time = excluded.sort_time, doc = excluded.doc, updated_at = excluded.updated_at
                    """,
                    cancellationToken,
                    ("m", change.Model), ("k", key), ("scope", change.Scope), ("sort", database.ToDb(change.SortTime)),
                    ("doc", document.GetRawText()), ("now", now));
            }
            else
            {
                await SqlDatabase.ExecuteAsync(connection, transaction,
                    "delete from read_models where model = @m and grain_key = @k",
                    cancellationToken, ("m", change.Model), ("k", key));
            }
        }
    }

    /// <summary>The refusal, naming the version stored now (read in the same transaction, so it is the one that refused).</summary>
    private async Task<InconsistentStateException> ConflictAsync(DbConnection connection, DbTransaction transaction, string operation, string stateName, string key, string? etag, CancellationToken cancellationToken)
    {
        await using var command = SqlDatabase.Command(connection, transaction,
            "select version from grain_storage where service_id = @s and grain_type = @t and grain_key = @k",
            ("s", serviceId), ("t", stateName), ("k", key));
        var stored = await command.ExecuteScalarAsync(cancellationToken) is long version
            ? version.ToString(CultureInfo.InvariantCulture)
            : null;
        LogConflict(logger, name, operation, stateName, key, etag, stored);
        return new InconsistentStateException(
            $"Version conflict ({operation}): ServiceId={serviceId} ProviderName={name} GrainType={stateName} GrainId={key} ETag={etag} StoredETag={stored}.",
            stored,
            etag);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Grain storage {Provider} could not read {GrainType}/{GrainKey}")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, string provider, string grainType, string grainKey);

    [LoggerMessage(Level = LogLevel.Error, Message = "Grain storage {Provider} could not write {GrainType}/{GrainKey} at ETag {ETag}")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string provider, string grainType, string grainKey, string? eTag);

    [LoggerMessage(Level = LogLevel.Error, Message = "Grain storage {Provider} could not clear {GrainType}/{GrainKey} at ETag {ETag}")]
    private static partial void LogClearFailed(ILogger logger, Exception exception, string provider, string grainType, string grainKey, string? eTag);

    // Debug, not warning: a conflict is how Orleans learns of a second activation, and the grain is
    // told by the exception.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Grain storage {Provider} refused {Operation} of {GrainType}/{GrainKey}: ETag {ETag}, stored {StoredETag}")]
    private static partial void LogConflict(ILogger logger, string provider, string operation, string grainType, string grainKey, string? eTag, string? storedETag);
}
