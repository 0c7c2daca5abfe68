"""Units' written opinions on agenda items (征求意见) and co-signature (会签), charter 五(三)."""
