package plan

// IssuedMessage is issuedMessage, for the tests of what the family is told.
var IssuedMessage = issuedMessage
