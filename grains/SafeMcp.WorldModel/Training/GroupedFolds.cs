using SafeMcp.WorldModel.Data;

namespace SafeMcp.WorldModel.Training;

/// <summary>
/// Splits rows into k folds for cross-validation, keeping every row of one instruction in the same fold: rows of
/// one task are prefixes of the same trajectory, so splitting them would let a fold see its own answers.
/// Seeded: the same rows, k and seed give the same folds.
/// </summary>
public static class GroupedFolds
{
    /// <summary>The fold (0 .. <paramref name="folds"/> − 1) of each row, in row order.</summary>
    public static int[] Assign(IReadOnlyList<TrajectoryRow> rows, int folds, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var random = new Random(seed);
        var groups = rows.Select(r => r.Input.Instruction ?? "").Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal).ToArray();
        var shuffled = groups.Select(g => (Group: g, Key: random.Next())).OrderBy(p => p.Key).ThenBy(p => p.Group, StringComparer.Ordinal).ToArray();
        var foldOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < shuffled.Length; i++)
        {
            foldOf[shuffled[i].Group] = i % folds;
        }
        return rows.Select(r => foldOf[r.Input.Instruction ?? ""]).ToArray();
    }
}
