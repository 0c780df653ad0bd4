namespace Broker.Vhdx;

/// <summary>A differencing chain cannot be opened: its parent is missing, changed, incompatible or loops.</summary>
public class VhdxParentException : VhdxFormatException
{
    /// <summary>Creates the exception for the child at <paramref name="childPath"/>.</summary>
    public VhdxParentException(VhdxParentFailure failure, string childPath, string? parentPath, long locatorFileOffset, string problem)
        : base("parent locator", locatorFileOffset, problem, childPath)
    {
        Failure = failure;
        ParentPath = parentPath;
    }

    /// <summary>Creates an exception with a message only.</summary>
    public VhdxParentException()
    {
    }

    /// <summary>Creates an exception with a message only.</summary>
    public VhdxParentException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    public VhdxParentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>What went wrong.</summary>
    public VhdxParentFailure Failure { get; }

    /// <summary>The parent path involved (the candidate that did not match, or the repeated file), when there is one.</summary>
    public string? ParentPath { get; }
}
