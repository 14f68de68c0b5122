namespace SafeMcp.LoadTest;

/// <summary>Chooses the scenario: the trajectories asked for, else the shared SafeMCP data beside the repository, else synthetic.</summary>
internal static class ScenarioSource
{
    public static ISessionScenario Find(string? path)
    {
        if (path is not null)
        {
            return TrajectoryScenario.Load(path) ?? throw new InvalidOperationException($"No usable trajectory in '{path}'.");
        }
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SafeMcp.Cluster.sln")))
            {
                var shared = Path.Combine(directory.FullName, "..", "shared", "data", "safemcp");
                return (Directory.Exists(shared) ? TrajectoryScenario.Load(Path.GetFullPath(shared)) : null) as ISessionScenario ?? new SyntheticScenario();
            }
        }
        return new SyntheticScenario();
    }
}
