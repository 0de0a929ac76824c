using System.Text.Json;
using HotlineGrains.Grains.Turns;

namespace HotlineGrains.Silo.Storage;

/// <summary>Queries over the read-model rows grains store with their turns (<see cref="ITurn.Project"/>).</summary>
internal sealed class SqlReadModels(IHotlineDatabase database) : IReadModels
{
    public async Task<ReadModelPage<T>> QueryAsync<T>(ReadModelQuery query, CancellationToken cancellationToken = default)
    {
        var (documents, total) = await database.QueryReadModelAsync(query, cancellationToken);
        return new ReadModelPage<T>([.. documents.Select(d => JsonSerializer.Deserialize<T>(d, GrainRecordJson.Options)!)], total);
    }
}
