namespace SafeMcp.WorldModel.Detection;

/// <summary>The world model could not answer (saturated past its wait, or stopped). The detector fails closed.</summary>
public sealed class WorldModelUnavailableException(string message) : Exception(message);
