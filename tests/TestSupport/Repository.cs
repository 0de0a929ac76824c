namespace HotlineGrains.Testing;

/// <summary>The checkout the tests run from, for tests that read what it holds (docs, manifests, scripts) or write screenshots into it.</summary>
public static class Repository
{
    /// <summary>The folder holding HotlineGrains.sln, found above the test's binaries.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HotlineGrains.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("HotlineGrains.sln not found above " + AppContext.BaseDirectory);
    }
}
