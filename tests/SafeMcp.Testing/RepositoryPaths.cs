namespace SafeMcp.Testing;

/// <summary>Paths of the repository and of built programs, found from the test's own location.</summary>
public static class RepositoryPaths
{
    /// <summary>The repository root: the nearest parent holding <c>SafeMcp.Cluster.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The configuration the tests were built with (Debug or Release).</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>The built entry assembly of a project under the repository, e.g. ("clients/SafeMcp.Cli", "safemcp").</summary>
    public static string BuiltAssembly(string projectDirectory, string assemblyName)
    {
        var path = Path.Combine(Root, projectDirectory, "bin", Configuration, "net10.0", assemblyName + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build {projectDirectory} first: {path} is missing.", path);
    }

    /// <summary>The shared reference data folder (<c>../shared/data</c> beside the repository).</summary>
    public static string SharedData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SafeMcp.Cluster.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("The tests run outside the repository: SafeMcp.Cluster.sln not found above " + AppContext.BaseDirectory);
    }
}
