namespace SafeMcp.Client;

/// <summary>What <see cref="SafeMcpClient.DecideAsync"/> answers when the cluster cannot be reached after every retry.</summary>
public enum UnavailableMode
{
    /// <summary>Deny the call (the default: nothing runs unsupervised).</summary>
    FailClosed = 0,

    /// <summary>Allow the call, marked as unsupervised. Only for deployments that accept the risk.</summary>
    FailOpen = 1,
}
