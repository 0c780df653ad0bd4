namespace Broker.Core;

/// <summary>The few checks every input validator shares, each adding a <see cref="ValidationError"/> when broken.</summary>
internal static class Rules
{
    /// <summary>Text that is present, not blank, at most <paramref name="maxLength"/> characters and free of control characters.</summary>
    public static void RequireText(List<ValidationError> errors, string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new ValidationError(field, "is required."));
        }
        else if (value.Trim().Length > maxLength)
        {
            errors.Add(new ValidationError(field, $"must be at most {maxLength} characters."));
        }
        else if (value.Any(char.IsControl))
        {
            errors.Add(new ValidationError(field, "must not contain control characters."));
        }
    }

    /// <summary>A number within <paramref name="min"/>..<paramref name="max"/>, both inclusive.</summary>
    public static void RequireRange(List<ValidationError> errors, string field, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            errors.Add(new ValidationError(field, $"must be between {min} and {max}; was {value}."));
        }
    }

    /// <summary>A duration within <paramref name="min"/>..<paramref name="max"/>, both inclusive.</summary>
    public static void RequireRange(List<ValidationError> errors, string field, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            errors.Add(new ValidationError(field, $"must be between {min:c} and {max:c}; was {value:c}."));
        }
    }

    /// <summary>A value that is one of the enum's named members.</summary>
    public static void RequireDefined<TEnum>(List<ValidationError> errors, string field, TEnum value)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            errors.Add(new ValidationError(field, $"must be one of {string.Join(", ", Enum.GetNames<TEnum>())}."));
        }
    }
}
