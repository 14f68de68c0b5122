namespace SafeMcp.WorldModel.ModelFile;

/// <summary>A model file that cannot be used: not a model file, another version, truncated or corrupt.</summary>
public sealed class ModelFileException(string message) : Exception(message);
