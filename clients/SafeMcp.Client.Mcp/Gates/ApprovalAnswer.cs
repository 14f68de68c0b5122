namespace SafeMcp.Client.Mcp.Gates;

/// <summary>What a human said to a call that needs approval.</summary>
internal enum ApprovalAnswer
{
    /// <summary>The human accepted: the call runs.</summary>
    Approved,

    /// <summary>The human declined or dismissed the request: the call is denied.</summary>
    Declined,

    /// <summary>No human can be asked (the client has no elicitation capability, or asking is switched off): the call is denied.</summary>
    CannotAsk,
}
