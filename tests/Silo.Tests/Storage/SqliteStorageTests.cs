namespace HotlineGrains.Silo.Tests.Storage;

public sealed class SqliteStorageTests : GrainStorageKit, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hotline-sqlite-").FullName;

    protected override Dictionary<string, string?> Settings() => Testing.TestSilo.Sqlite(Path.Combine(directory, "hotline.db"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }
}
