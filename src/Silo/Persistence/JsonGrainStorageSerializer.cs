using System.Text.Json;
using HotlineGrains.Grains.Turns;
using Orleans.Storage;

namespace HotlineGrains.Silo.Persistence;

/// <summary>
/// Grain state as System.Text.Json, for every grain storage provider of the hotline (the SQLite
/// one and the ADO.NET one on PostgreSQL). JSON, not Orleans' binary format, because the stored
/// rows are read by SQL too: the PostgreSQL write function takes a <see cref="GrainRecord"/>'s
/// pending effects apart into the outbox and the read models, and an operator can read a grain's
/// state with <c>psql</c>.
/// </summary>
public sealed class JsonGrainStorageSerializer : IGrainStorageSerializer
{
    public static JsonGrainStorageSerializer Instance { get; } = new();

    public BinaryData Serialize<T>(T? input) =>
        new(JsonSerializer.SerializeToUtf8Bytes(input, GrainRecordJson.Options));

    public T Deserialize<T>(BinaryData input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return JsonSerializer.Deserialize<T>(input.ToMemory().Span, GrainRecordJson.Options)!;
    }
}
