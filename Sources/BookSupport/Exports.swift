// Chapter programs import BookSupport only; what they share with the engine comes along.
@_exported import BookContract
